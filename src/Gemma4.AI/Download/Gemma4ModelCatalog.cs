namespace Gemma4.AI;

/// <summary>
/// The official Gemma 4 instruction-tuned sizes and EmbeddingGemma, as GGUF files commonly published in the
/// <c>ggml-org</c> Hugging Face repositories (Q4_K_M for chat models, Q8_0 for EmbeddingGemma).
/// </summary>
/// <remarks>
/// Repository and file names follow the ggml-org naming and sizes are approximate (as last seen, rounded): uploads change,
/// so no checksum is pinned here. Any other repository or quantization works the same way: pass a
/// <see cref="Gemma4ModelFile"/> of your own (and its <see cref="Gemma4ModelFile.Sha256"/> when you know it) to
/// <see cref="Gemma4ModelDownloader.DownloadAsync(Gemma4ModelFile, IProgress{Gemma4DownloadProgress}?, CancellationToken)"/>.
/// Gemma is released under Google's Gemma terms; read them on the model page before use.
/// </remarks>
public static class Gemma4ModelCatalog
{
    private const long GB = 1_000_000_000;

    /// <summary>Gemma 4 E2B instruction-tuned, Q4_K_M (about 3.1 GB; 128K context; runs on a laptop CPU).</summary>
    public static Gemma4ModelFile E2B { get; } = Chat("gemma-4-e2b", "gemma-4-E2B-it", 31 * GB / 10, 131_072,
        "Gemma 4 E2B: the smallest; fast on a laptop CPU.", "images and audio", 986_000_000);

    /// <summary>Gemma 4 E4B instruction-tuned, Q4_K_M (about 5.3 GB; 128K context).</summary>
    public static Gemma4ModelFile E4B { get; } = Chat("gemma-4-e4b", "gemma-4-E4B-it", 53 * GB / 10, 131_072,
        "Gemma 4 E4B: better answers, still fine on a CPU with 16 GB of memory.", "images and audio");

    /// <summary>Gemma 4 12B instruction-tuned, Q4_K_M (about 7.5 GB; 256K context).</summary>
    public static Gemma4ModelFile Gemma12B { get; } = Chat("gemma-4-12b", "gemma-4-12B-it", 75 * GB / 10, 262_144,
        "Gemma 4 12B: a GPU with 12 GB or more is recommended.", media: null);

    /// <summary>Gemma 4 26B-A4B (mixture of experts, about 4B active) instruction-tuned, Q4_K_M (about 16.8 GB; 256K context).</summary>
    public static Gemma4ModelFile Gemma26BA4B { get; } = Chat("gemma-4-26b-a4b", "gemma-4-26B-A4B-it", 168 * GB / 10, 262_144,
        "Gemma 4 26B-A4B: mixture of experts; fast for its size, needs about 20 GB of GPU or CPU memory.", "images");

    /// <summary>Gemma 4 31B instruction-tuned, Q4_K_M (about 18.7 GB; 256K context; needs a large GPU).</summary>
    public static Gemma4ModelFile Gemma31B { get; } = Chat("gemma-4-31b", "gemma-4-31B-it", 187 * GB / 10, 262_144,
        "Gemma 4 31B: the largest; needs a GPU with 24 GB or more.", "images");

    /// <summary>EmbeddingGemma 300M, Q8_0 (about 334 MB; 2K context; 768-wide vectors).</summary>
    public static Gemma4ModelFile EmbeddingGemma300M { get; } = new("ggml-org/embeddinggemma-300M-GGUF", "embeddinggemma-300M-Q8_0.gguf")
    {
        Name = "embeddinggemma-300m",
        Description = "EmbeddingGemma 300M: text embeddings for search and RAG.",
        ApproximateSizeBytes = 334_000_000,
        TrainedContextLength = 2048,
        IsEmbeddingModel = true,
    };

    /// <summary>Every catalogue entry, smallest chat model first, EmbeddingGemma last.</summary>
    public static IReadOnlyList<Gemma4ModelFile> All { get; } = [E2B, E4B, Gemma12B, Gemma26BA4B, Gemma31B, EmbeddingGemma300M];

    /// <summary>
    /// Finds an entry by name, case-insensitively, with or without the <c>gemma-4-</c> prefix: <c>gemma-4-e2b</c>,
    /// <c>e2b</c>, <c>31b</c>, <c>26b-a4b</c>, <c>embeddinggemma</c>.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <returns>The entry, or null when there is none of that name.</returns>
    public static Gemma4ModelFile? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var wanted = name.Trim();
        return All.FirstOrDefault(f =>
            string.Equals(f.Name, wanted, StringComparison.OrdinalIgnoreCase)
            || string.Equals(f.Name, "gemma-4-" + wanted, StringComparison.OrdinalIgnoreCase)
            || (f.IsEmbeddingModel && string.Equals(wanted, "embeddinggemma", StringComparison.OrdinalIgnoreCase)));
    }

    // The F16 projector is published beside the model as mmproj-<stem>-f16.gguf (as last seen; E2B's is about 986 MB).
    // The 12B's encoder-free projector (gemma4uv/gemma4ua) is not supported yet, so it has none here.
    private static Gemma4ModelFile Chat(string name, string stem, long size, int context, string description, string? media, long? projectorSize = null) =>
        new($"ggml-org/{stem}-GGUF", $"{stem}-Q4_K_M.gguf")
        {
            Name = name,
            Description = description,
            ApproximateSizeBytes = size,
            TrainedContextLength = context,
            Projector = media is null ? null : new($"ggml-org/{stem}-GGUF", $"mmproj-{stem}-f16.gguf")
            {
                Name = name + "-mmproj",
                Description = $"The projector of {name}: {media} (Gemma4ModelOptions.ProjectorPath).",
                ApproximateSizeBytes = projectorSize,
            },
        };
}
