namespace Gemma4.AI;

/// <summary>A GGUF file in a Hugging Face model repository: what <see cref="Gemma4ModelDownloader"/> fetches.</summary>
/// <param name="Repository">The repository, <c>owner/name</c> (for example <c>ggml-org/gemma-4-E2B-it-GGUF</c>).</param>
/// <param name="FileName">The file's path in the repository (for example <c>gemma-4-E2B-it-Q4_K_M.gguf</c>).</param>
public sealed record Gemma4ModelFile(string Repository, string FileName)
{
    /// <summary>The branch, tag or commit to download from. Default <c>main</c>; pin a commit for reproducible downloads.</summary>
    public string Revision { get; init; } = "main";

    /// <summary>The expected SHA-256 of the file (64 hex digits); when set, a download that does not match is deleted and rejected.</summary>
    public string? Sha256 { get; init; }

    /// <summary>A short name to ask for the file by (catalogue entries only, for example <c>gemma-4-e2b</c>).</summary>
    public string? Name { get; init; }

    /// <summary>A one-line description for people choosing a model.</summary>
    public string? Description { get; init; }

    /// <summary>The file's size as last seen, in bytes; approximate (files are re-uploaded), for display only.</summary>
    public long? ApproximateSizeBytes { get; init; }

    /// <summary>The context length the model was trained for, in tokens, when known.</summary>
    public int? TrainedContextLength { get; init; }

    /// <summary>True for an embedding model (EmbeddingGemma), which is used through <see cref="Gemma4EmbeddingGenerator"/>.</summary>
    public bool IsEmbeddingModel { get; init; }

    /// <summary>
    /// The projector ("mmproj") file published next to this model, which gives it images (and audio for E2B/E4B); download
    /// it too and set <see cref="Gemma4ModelOptions.ProjectorPath"/> to it. Null when none is known.
    /// </summary>
    public Gemma4ModelFile? Projector { get; init; }

    /// <summary>The file as <c>owner/name/file</c> (with <c>@revision</c> unless it is <c>main</c>).</summary>
    public override string ToString() =>
        Revision == "main" ? $"{Repository}/{FileName}" : $"{Repository}@{Revision}/{FileName}";
}
