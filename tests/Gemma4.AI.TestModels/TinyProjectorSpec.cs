namespace Gemma4.AI.TestModels;

/// <summary>
/// Describes a generated Gemma 4 multimodal projector ("mmproj") GGUF: a gemma4v vision encoder, a gemma4a audio
/// conformer, or both in one file, with random weights and the layout llama.cpp's mtmd loads. Like
/// <see cref="TinyModelSpec"/>, every property feeds the content hash of the cached file; use <c>with</c> to vary
/// <see cref="Default"/>.
/// </summary>
/// <remarks>
/// Shapes are given in ggml order (fastest dimension first). The projection width (the width of the embeddings the
/// projector hands the text model) must equal the text model's embedding width; <see cref="ProjectionWidth"/> null takes
/// it from the model the projector is generated for.
/// </remarks>
public sealed record TinyProjectorSpec
{
    /// <summary>Vision and audio in one file, sized like the verified tiny recipe (vision 32 wide, audio 32 wide, 1 block each).</summary>
    public static TinyProjectorSpec Default { get; } = new();

    /// <summary>A vision-only (gemma4v) projector.</summary>
    public static TinyProjectorSpec VisionOnly { get; } = new() { Audio = false, Name = "gemma4-tiny-mmproj-vision" };

    /// <summary>An audio-only (gemma4a) projector.</summary>
    public static TinyProjectorSpec AudioOnly { get; } = new() { Vision = false, Name = "gemma4-tiny-mmproj-audio" };

    /// <summary>
    /// Gemma 4 E2B's real projector shapes: vision 768 wide, 16 blocks, 12 heads, FFN 3072, patch 16, a 10240-entry
    /// position table; audio 1024 wide, 12 conformer blocks, 8 heads, FFN 4096, 128 mel bins, conv channels 128 and 32;
    /// F16 weights (~0.9 GB). For benchmarks only: put it in the cache, never in the repository.
    /// </summary>
    public static TinyProjectorSpec Gemma4E2B { get; } = new()
    {
        VisionWidth = 768,
        VisionHeads = 12,
        VisionFeedForward = 3072,
        VisionBlocks = 16,
        PositionTableSize = 10240,
        AudioWidth = 1024,
        AudioHeads = 8,
        AudioFeedForward = 4096,
        AudioBlocks = 12,
        MelBins = 128,
        ConvChannels0 = 128,
        ConvChannels1 = 32,
        WeightType = GgufTensorType.F16,
        Name = "gemma-4-E2B-mmproj-shaped-random",
    };

    /// <summary>Whether the file holds the gemma4v vision encoder.</summary>
    public bool Vision { get; init; } = true;

    /// <summary>Whether the file holds the gemma4a audio encoder.</summary>
    public bool Audio { get; init; } = true;

    /// <summary>Output width of both encoders; null uses the text model's embedding width.</summary>
    public int? ProjectionWidth { get; init; }

    /// <summary>Seed of the random weights.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Standard deviation of the random weight matrices (norm weights are 1).</summary>
    public float WeightStdDev { get; init; } = 0.02f;

    /// <summary>Type of the weight matrices (norms and position tables stay F32 unless this is F16).</summary>
    public GgufTensorType WeightType { get; init; } = GgufTensorType.F32;

    /// <summary>Vision encoder width.</summary>
    public int VisionWidth { get; init; } = 32;

    /// <summary>Vision attention heads.</summary>
    public int VisionHeads { get; init; } = 2;

    /// <summary>Vision feed-forward width.</summary>
    public int VisionFeedForward { get; init; } = 64;

    /// <summary>Vision transformer blocks.</summary>
    public int VisionBlocks { get; init; } = 1;

    /// <summary>Patch side in pixels (16 as in the real model, so image token counts match it).</summary>
    public int PatchSize { get; init; } = 16;

    /// <summary>Entries per axis of the learned position table; must cover the patches per side of every image.</summary>
    public int PositionTableSize { get; init; } = 1024;

    /// <summary><c>clip.vision.image_size</c> (required by the loader, unused by gemma4v).</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>Audio conformer width.</summary>
    public int AudioWidth { get; init; } = 32;

    /// <summary>Audio attention heads.</summary>
    public int AudioHeads { get; init; } = 2;

    /// <summary>Audio feed-forward width.</summary>
    public int AudioFeedForward { get; init; } = 128;

    /// <summary>Audio conformer blocks.</summary>
    public int AudioBlocks { get; init; } = 1;

    /// <summary>Mel bins of the audio front end (a multiple of 4: two stride-2 convolutions follow).</summary>
    public int MelBins { get; init; } = 16;

    /// <summary>Channels of the first subsampling convolution.</summary>
    public int ConvChannels0 { get; init; } = 8;

    /// <summary>Channels of the second subsampling convolution.</summary>
    public int ConvChannels1 { get; init; } = 4;

    /// <summary><c>general.name</c>, or null to leave it out.</summary>
    public string? Name { get; init; } = "gemma4-tiny-mmproj";

    /// <summary>Metadata keys to leave out (for negative tests).</summary>
    public IReadOnlyList<string> OmitKeys { get; init; } = [];

    /// <summary>Metadata keys to add or replace (for negative tests), applied after <see cref="OmitKeys"/>.</summary>
    public IReadOnlyDictionary<string, GgufMetadataValue> OverrideKeys { get; init; } = new Dictionary<string, GgufMetadataValue>();

    /// <summary>Tensors to leave out (for negative tests).</summary>
    public IReadOnlyList<string> OmitTensors { get; init; } = [];

    /// <summary>Extra random F32 tensors (name, shape in ggml order) the recipe does not have (for negative tests).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<long>> ExtraTensors { get; init; } = new Dictionary<string, IReadOnlyList<long>>();

    /// <summary>Tensors written with another shape (ggml order) than the recipe's (for negative tests).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<long>> TensorShapes { get; init; } = new Dictionary<string, IReadOnlyList<long>>();

    /// <summary>Tensors written with another type than the default (matrices <see cref="WeightType"/>, the rest F32).</summary>
    public IReadOnlyDictionary<string, GgufTensorType> TensorTypes { get; init; } = new Dictionary<string, GgufTensorType>();
}
