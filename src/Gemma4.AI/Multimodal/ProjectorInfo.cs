namespace Gemma4.AI.Multimodal;

/// <summary>What the projector preflight learned from a projector ("mmproj") GGUF.</summary>
internal sealed record ProjectorInfo
{
    public required string FilePath { get; init; }

    public required long FileLength { get; init; }

    /// <summary>Bytes of tensor data (the projector's weights).</summary>
    public required long TensorBytes { get; init; }

    /// <summary><c>general.name</c>, if any.</summary>
    public string? Name { get; init; }

    /// <summary>The vision encoder (gemma4v), or null when the file has none.</summary>
    public ProjectorEncoder? Vision { get; init; }

    /// <summary>The audio encoder (gemma4a), or null when the file has none.</summary>
    public ProjectorEncoder? Audio { get; init; }

    /// <summary>Width of the embeddings handed to the text model (equal to its embedding width).</summary>
    public required int ProjectionWidth { get; init; }
}

/// <summary>One encoder of a projector file.</summary>
/// <param name="ProjectorType">The projector type (<c>gemma4v</c> or <c>gemma4a</c>).</param>
/// <param name="Width">The encoder's hidden width.</param>
/// <param name="Blocks">Transformer or conformer blocks.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="PatchSize">Vision: patch side in pixels; audio: 0.</param>
/// <param name="MergeFactor">Vision: patches pooled per token along each side (3 for Gemma 4); audio: 0.</param>
/// <param name="PositionTableSize">Vision: entries per axis of the position table; audio: 0.</param>
internal sealed record ProjectorEncoder(string ProjectorType, int Width, int Blocks, int Heads, int PatchSize = 0, int MergeFactor = 0, int PositionTableSize = 0);
