namespace Gemma4.AI.TestModels;

/// <summary>
/// Describes a generated test model. Every property feeds the content hash that names the cached file, so the same
/// spec always yields the same, byte-identical file. Use <c>with</c> to vary <see cref="Default"/>.
/// </summary>
public sealed record TinyModelSpec
{
    /// <summary>The default tiny gemma4 model: hidden 128, 4 layers (3 sliding + 1 global), ~1.5 MB in F16.</summary>
    public static TinyModelSpec Default { get; } = new();

    /// <summary>
    /// The narrowest shapes that are still a complete gemma4 file (~60 KB, most of it the vocabulary): for parser
    /// inputs such as fuzzing seeds and mutation tests, where every byte is mutated many times. Not meant to run.
    /// </summary>
    public static TinyModelSpec Minimal { get; } = new()
    {
        HiddenSize = 16,
        Layers = 2,
        Heads = 2,
        KvHeads = [1, 1],
        HeadDim = 8,
        HeadDimSwa = 8,
        SlidingWindow = 16,
        SlidingPattern = [true, false],
        FeedForward = 16,
        ContextLength = 1024,
        Name = "gemma4-minimal-test",
    };

    /// <summary>The default tiny gemma-embedding model: uniform heads, sliding period 4, mean pooling, 2K context.</summary>
    public static TinyModelSpec EmbeddingDefault { get; } = new()
    {
        KvHeads = [1, 1, 1, 1],
        HeadDim = 32,
        HeadDimSwa = 32,
        ContextLength = 2048,
        Name = "gemma-embedding-tiny-test",
    };

    /// <summary>
    /// EmbeddingGemma 300M's real shape (google/embeddinggemma-300m config.json): hidden 768, 24 layers (5 sliding + 1
    /// global, repeated), 3 query heads and 1 KV head of 256, MLP 1152, window 512, 262,144 tokens, 2K context; random
    /// Q8_0 weights (~330 MB; the dense projection heads of the real file are left out). For benchmarks only.
    /// </summary>
    public static TinyModelSpec EmbeddingGemma300M { get; } = new()
    {
        HiddenSize = 768,
        Layers = 24,
        Heads = 3,
        KvHeads = [.. Enumerable.Repeat(1, 24)],
        HeadDim = 256,
        HeadDimSwa = 256,
        SlidingWindow = 512,
        SlidingPattern = [.. Enumerable.Range(0, 24).Select(il => il % 6 != 5)],
        FeedForward = 1152,
        ContextLength = 2048,
        VocabularySize = 262_144,
        WeightType = GgufTensorType.Q8_0,
        Name = "embeddinggemma-300m-shaped-random",
    };

    /// <summary>
    /// Gemma 4 E2B's real shape (google/gemma-4-E2B-it config.json): hidden 1536, 35 layers (4 sliding + 1 global,
    /// repeated), 8 query heads and 1 KV head, head dims 256 sliding / 512 global, per-layer embeddings 256 wide, the
    /// last 20 layers sharing KV with a double-wide (12288) MLP, window 512, 262,144 tokens, 128K context; random
    /// Q4_0 weights, ~2.6 GB. For benchmarks: put it in the cache, never in the repository.
    /// </summary>
    public static TinyModelSpec Gemma4E2B { get; } = new()
    {
        HiddenSize = 1536,
        Layers = 35,
        Heads = 8,
        KvHeads = [.. Enumerable.Repeat(1, 35)],
        HeadDim = 512,
        HeadDimSwa = 256,
        SlidingWindow = 512,
        SlidingPattern = [.. Enumerable.Range(0, 35).Select(il => il % 5 != 4)],
        FeedForward = 6144,
        FeedForwardPerLayer = [.. Enumerable.Range(0, 35).Select(il => il < 15 ? 6144 : 12288)],
        ContextLength = 131072,
        EmbeddingLengthPerLayer = 256,
        SharedKvLayers = 20,
        VocabularySize = 262_144,
        WeightType = GgufTensorType.Q4_0,
        LayerOutputScale = true,
        Name = "gemma-4-E2B-shaped-random",
    };

    /// <summary>
    /// Gemma 4 E4B's real shape (google/gemma-4-E4B-it config.json): hidden 2560, 42 layers (5 sliding + 1 global,
    /// repeated), 8 query heads and 2 KV heads, head dims 256 / 512, per-layer embeddings 256 wide, the last 18 layers
    /// sharing KV with a double-wide (20480) MLP, window 512, 262,144 tokens, 128K context; random Q4_0 weights.
    /// </summary>
    public static TinyModelSpec Gemma4E4B { get; } = new()
    {
        HiddenSize = 2560,
        Layers = 42,
        Heads = 8,
        KvHeads = [.. Enumerable.Repeat(2, 42)],
        HeadDim = 512,
        HeadDimSwa = 256,
        SlidingWindow = 512,
        SlidingPattern = [.. Enumerable.Range(0, 42).Select(il => il % 6 != 5)],
        FeedForward = 10240,
        FeedForwardPerLayer = [.. Enumerable.Range(0, 42).Select(il => il < 24 ? 10240 : 20480)],
        ContextLength = 131072,
        EmbeddingLengthPerLayer = 256,
        SharedKvLayers = 18,
        VocabularySize = 262_144,
        WeightType = GgufTensorType.Q4_0,
        LayerOutputScale = true,
        Name = "gemma-4-E4B-shaped-random",
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

    /// <summary>Whether each layer carries a <c>layer_output_scale</c> (1.0), as real Gemma 4 files do.</summary>
    public bool LayerOutputScale { get; init; }

    /// <summary>Pad the vocabulary with filler pieces to this many tokens (e.g. 262,144); null keeps the natural ~870.</summary>
    public int? VocabularySize { get; init; }

    /// <summary>
    /// Type of the weight matrices (norms are always F32). F32/F16 weights are ~N(0, <see cref="WeightStdDev"/>) floats;
    /// Q8_0/Q4_0 weights are random blocks written directly in the quantized format (fast for multi-GB models).
    /// </summary>
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
