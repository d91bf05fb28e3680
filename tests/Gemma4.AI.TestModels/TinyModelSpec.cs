namespace Gemma4.AI.TestModels;

/// <summary>
/// Describes a generated test model. Every property feeds the content hash that names the cached file, so the same
/// spec always yields the same, byte-identical file. Use <c>with</c> to vary <see cref="Default"/>.
/// </summary>
public sealed record TinyModelSpec
{
    /// <summary>The default tiny gemma4 model: hidden 128, 4 layers (3 sliding + 1 global), ~1.5 MB in F16.</summary>
    public static TinyModelSpec Default { get; } = new();

    /// <summary>The default tiny gemma-embedding model: uniform heads, sliding period 4, mean pooling, 2K context.</summary>
    public static TinyModelSpec EmbeddingDefault { get; } = new()
    {
        KvHeads = [1, 1, 1, 1],
        HeadDim = 32,
        HeadDimSwa = 32,
        ContextLength = 2048,
        Name = "gemma-embedding-tiny-test",
    };

    /// <summary>Seed of the random weights.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Hidden size (<c>embedding_length</c>).</summary>
    public int HiddenSize { get; init; } = 128;

    /// <summary>Number of layers (<c>block_count</c>).</summary>
    public int Layers { get; init; } = 4;

    /// <summary>Query heads per layer.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Key/value heads, one entry per layer.</summary>
    public IReadOnlyList<int> KvHeads { get; init; } = [2, 2, 2, 1];

    /// <summary>Head dimension of global layers (<c>key_length</c>/<c>value_length</c>).</summary>
    public int HeadDim { get; init; } = 64;

    /// <summary>Head dimension of sliding-window layers (<c>key_length_swa</c>); the embedding model ignores it.</summary>
    public int HeadDimSwa { get; init; } = 32;

    /// <summary>Sliding window size in tokens.</summary>
    public int SlidingWindow { get; init; } = 128;

    /// <summary>Per layer: true for a sliding-window layer, false for a global one.</summary>
    public IReadOnlyList<bool> SlidingPattern { get; init; } = [true, true, true, false];

    /// <summary>Feed-forward width of every layer, unless <see cref="FeedForwardPerLayer"/> is set.</summary>
    public int FeedForward { get; init; } = 256;

    /// <summary>Feed-forward width per layer (written as an array), or null for <see cref="FeedForward"/> everywhere.</summary>
    public IReadOnlyList<int>? FeedForwardPerLayer { get; init; }

    /// <summary>Training context length.</summary>
    public int ContextLength { get; init; } = 131072;

    /// <summary>Per-layer embedding width (Gemma 4 E2B/E4B); 0 for none.</summary>
    public int EmbeddingLengthPerLayer { get; init; }

    /// <summary>Trailing layers that reuse the KV cache of earlier layers; 0 for none.</summary>
    public int SharedKvLayers { get; init; }

    /// <summary>Pad the vocabulary with filler pieces to this many tokens (e.g. 262,144); null keeps the natural ~870.</summary>
    public int? VocabularySize { get; init; }

    /// <summary>Type of the weight matrices (norms are always F32).</summary>
    public GgufTensorType WeightType { get; init; } = GgufTensorType.F16;

    /// <summary>Standard deviation of the random weights.</summary>
    public float WeightStdDev { get; init; } = 0.05f;

    /// <summary><c>tokenizer.chat_template</c>, or null to leave it out.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary><c>general.name</c>, or null to leave it out.</summary>
    public string? Name { get; init; } = "gemma4-tiny-test";

    /// <summary>Metadata keys to leave out (for negative tests).</summary>
    public IReadOnlyList<string> OmitKeys { get; init; } = [];

    /// <summary>Metadata keys to add or replace (for negative tests), applied after <see cref="OmitKeys"/>.</summary>
    public IReadOnlyDictionary<string, GgufMetadataValue> OverrideKeys { get; init; } = new Dictionary<string, GgufMetadataValue>();

    /// <summary>Tensors to leave out (for negative tests).</summary>
    public IReadOnlyList<string> OmitTensors { get; init; } = [];
}
