using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;

namespace Gemma4.AI.IntegrationTests.Multimodal;

/// <summary>
/// Projector files are checked in managed code before llama.cpp's mtmd sees them. Many of the broken files below abort
/// or crash the process when they reach mtmd (measured on the bundled build; see the shared multimodal note): that this
/// class finishes at all is part of the test.
/// </summary>
public sealed class ProjectorLoadTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Kinds => ["both", "vision", "audio"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task LoadAsync_GeneratedProjector_ReportsItsModalities(string kind)
    {
        var spec = kind switch { "vision" => TinyProjectorSpec.VisionOnly, "audio" => TinyProjectorSpec.AudioOnly, _ => TinyProjectorSpec.Default };

        using var model = await Gemma4Model.LoadAsync(Options(TestModels.TestModels.Projector(spec)));

        Assert.Equal(kind != "audio", model.SupportsImages);
        Assert.Equal(kind != "vision", model.SupportsAudio);
        Assert.Equal(TestModels.TestModels.Projector(spec), model.ProjectorPath);
    }

    [Fact]
    public async Task LoadAsync_WithoutProjector_SupportsNoMedia()
    {
        using var model = await Gemma4Model.LoadAsync(Options(null));

        Assert.False(model.SupportsImages);
        Assert.False(model.SupportsAudio);
        Assert.Null(model.ProjectorPath);
    }

    /// <summary>Broken projectors, each with the words the refusal must contain.</summary>
    public static TheoryData<string, string> BrokenProjectors => new()
    {
        // Keys of the wrong GGUF type abort the process inside gguf.cpp.
        { "embedding-length-as-i32", "'clip.vision.embedding_length' has type Int32, but mtmd reads it as UInt32" },
        { "epsilon-as-f64", "'clip.vision.attention.layer_norm_epsilon' has type Float64, but mtmd reads it as Float32" },
        { "has-vision-as-u8", "'clip.has_vision_encoder' has type UInt8, but mtmd reads it as Bool" },
        { "projector-type-as-u32", "'clip.vision.projector_type' has type UInt32, but mtmd reads it as String" },
        { "image-mean-as-f64", "'clip.vision.image_mean' has type Float64 array, but mtmd reads it as an array of Float32" },
        { "mel-bins-as-i64", "'clip.audio.num_mel_bins' has type Int64, but mtmd reads it as UInt32" },

        // Tensors whose absence or shape crashes or aborts.
        { "no-patch-embd", "required tensor 'v.patch_embd.weight' is missing" },
        { "no-position-embd", "required tensor 'v.position_embd.weight' is missing" },
        { "patch-embd-shape", "tensor 'v.patch_embd.weight' has shape [16, 16, 3, 16], expected [16, 16, 3, 32]" },
        { "position-embd-2d", "tensor 'v.position_embd.weight' has shape [32, 2048], expected [32, positions, 2]" },
        { "attn-q-shape", "tensor 'v.blk.0.attn_q.weight' has shape [32, 16], expected [32, 32]" },
        { "ffn-down-shape", "tensor 'v.blk.0.ffn_down.weight' has shape [32, 64], expected [64, 32]" },
        { "no-input-projection", "required tensor 'mm.input_projection.weight' is missing" },
        { "no-audio-projection", "required tensor 'mm.a.input_projection.weight' is missing" },
        { "no-k-rel", "required tensor 'a.blk.0.attn_k_rel.weight' is missing" },
        { "conv-dw-kernel-3", "tensor 'a.blk.0.conv_dw.weight' has shape [3, 32], expected [5, 32]" },
        { "conv1-shape", "tensor 'a.conv1d.1.weight' has shape [3, 3, 4, 4], expected [3, 3, 8, channels]" },
        { "audio-input-projection-shape", "tensor 'a.input_projection.weight' has shape [20, 32], expected [16, 32]" },
        { "clamp-not-scalar", "tensor 'mm.input_projection.input_max' must be one F32 value" },

        // Tensor types the encoders' CPU kernels abort on at the first encode (ssm_conv, element-wise ops, im2col).
        { "conv-dw-f16", "tensor 'a.blk.0.conv_dw.weight' is F16, but the encoder uses it in an operation that takes F32 only" },
        { "norm-f16", "tensor 'v.blk.0.ln1.weight' is F16, but the encoder uses it in an operation that takes F32 only" },
        { "audio-scale-f16", "tensor 'a.blk.0.per_dim_scale.weight' is F16, but the encoder uses it in an operation that takes F32 only" },
        { "patch-embd-q8", "tensor 'v.patch_embd.weight' is Q8_0, but a convolution kernel must be F16 or F32" },

        // The position table must cover an image of up to ImageMaxTokens tokens laid out in one row (280 x 3 patches).
        { "position-table-8", "has 8 positions per axis, but an image of up to 280 tokens can be 840 patches wide" },
        { "position-table-48", "has 48 positions per axis, but an image of up to 280 tokens can be 840 patches wide" },

        // Clean native failures, refused earlier with a clearer reason.
        { "width-64", "tensor 'mm.input_projection.weight' has shape [32, 64], expected [32, 128]" },
        { "audio-width-64", "tensor 'mm.a.input_projection.weight' has shape [32, 64], expected [32, 128]" },
        { "no-patch-size", "required GGUF key 'clip.vision.patch_size' is missing" },
        { "no-image-mean", "GGUF key 'clip.vision.image_mean' must be an array of 3 floats" },
        { "global-type-in-both", "'clip.projector_type' ('gemma4v') is set in a file with both encoders" },
        { "unknown-type", "vision projector type 'gemma9v' is not Gemma 4's ('gemma4v')" },
        { "gemma3-type", "vision projector type 'gemma3' is not Gemma 4's ('gemma4v')" },
        { "unified-type", "projector type 'gemma4uv' is Gemma 4 12B's encoder-free (unified) projector, which Gemma4.AI does not support yet" },
        { "no-encoder", "the file has no encoder" },
        { "heads-not-dividing", "'clip.vision.embedding_length' (32) is not a multiple of 'clip.vision.attention.head_count' (3)" },
        { "not-clip", "GGUF key 'general.architecture' is 'llama', expected 'clip'" },
    };

    [Theory]
    [MemberData(nameof(BrokenProjectors))]
    public async Task LoadAsync_BrokenProjector_IsRefusedBeforeNativeCode(string name, string expected)
    {
        var path = _dir.File(name + ".gguf");
        TestModels.TestModels.WriteProjector(Broken(name), TinyModelSpec.Default, path);

        var e = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Model.LoadAsync(Options(path)));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public async Task LoadAsync_TextModelAsProjector_SaysItIsATextModel()
    {
        var e = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Model.LoadAsync(Options(TestModels.TestModels.Gemma4())));

        Assert.Contains("is 'gemma4', expected 'clip' (this is a text model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_ProjectorOfAnotherModelWidth_NamesBothWidths()
    {
        // A projector generated for a 256-wide model, loaded over the 128-wide default model.
        var wide = TestModels.TestModels.Projector(model: TinyModelSpec.Default with { HiddenSize = 256 });

        var e = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Model.LoadAsync(Options(wide)));

        Assert.Contains("'mm.input_projection.weight' has shape [32, 256], expected [32, 128]", e.Message, StringComparison.Ordinal);
        Assert.Contains("'mm.a.input_projection.weight' has shape [32, 256], expected [32, 128]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MissingOrDirectoryOrTruncatedProjector_IsRefused()
    {
        var missing = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Model.LoadAsync(Options(_dir.File("none.gguf"))));
        Assert.Contains("projector (mmproj) file not found", missing.Message, StringComparison.Ordinal);

        var directory = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Model.LoadAsync(Options(_dir.Path)));
        Assert.Contains("is a directory", directory.Message, StringComparison.Ordinal);

        var bytes = await File.ReadAllBytesAsync(TestModels.TestModels.Projector());
        var truncated = _dir.File("truncated.gguf");
        await File.WriteAllBytesAsync(truncated, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var cut = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Model.LoadAsync(Options(truncated)));
        Assert.Contains("the file is truncated", cut.Message, StringComparison.Ordinal);

        var text = _dir.File("text.gguf");
        await File.WriteAllTextAsync(text, "not a projector");
        var notGguf = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Model.LoadAsync(Options(text)));
        Assert.Contains("not a readable projector (mmproj): not a GGUF file", notGguf.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_ProjectorTensorOffsetIntoAnotherTensor_IsRefusedNamingBoth()
    {
        var source = TestModels.TestModels.Projector();
        var tensors = Gemma4.AI.Gguf.GgufReader.Read(source).Tensors.Where(t => t.ByteSize is > 0).OrderBy(t => t.Offset).ToList();
        var bytes = await File.ReadAllBytesAsync(source);
        GgufPatch.SetTensorOffset(bytes, tensors[1].Name, tensors[0].Offset);
        var path = _dir.File("overlap-mmproj.gguf");
        await File.WriteAllBytesAsync(path, bytes);

        var ex = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Model.LoadAsync(Options(path)));

        Assert.Contains($"tensor '{tensors[1].Name}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"overlaps tensor '{tensors[0].Name}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MicroBatchSmallerThanTheImageBudget_IsRefused()
    {
        // Image embeddings are decoded non-causally in one micro-batch; llama.cpp aborts when they do not fit one.
        var options = Options(TestModels.TestModels.Projector());
        options.MicroBatchSize = 256;

        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Gemma4Model.LoadAsync(options));

        Assert.Equal("MicroBatchSize", e.ParamName);
        Assert.Contains("must be at least ImageMaxTokens (280)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_AudioOnlyProjector_AllowsASmallMicroBatch()
    {
        var options = Options(TestModels.TestModels.Projector(TinyProjectorSpec.AudioOnly));
        options.MicroBatchSize = 64;

        using var model = await Gemma4Model.LoadAsync(options);

        Assert.True(model.SupportsAudio);
    }

    [Fact]
    public async Task LoadAsync_ImageBudgetBeyondThePositionTable_IsRefused()
    {
        var options = Options(TestModels.TestModels.Projector());
        options.ImageMaxTokens = 560; // 1680 patches per side; the tiny projector's table holds 1024
        options.MicroBatchSize = 1024;
        options.BatchSize = 2048;

        var e = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Model.LoadAsync(options));

        Assert.Contains("has 1024 positions per axis, but an image of up to 560 tokens can be 1680 patches wide", e.Message, StringComparison.Ordinal);
        Assert.Contains("Lower ImageMaxTokens to at most 341", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_ProjectorOnAnEmbeddingModel_IsRefused()
    {
        var options = new Gemma4ModelOptions { ModelPath = TestModels.TestModels.GemmaEmbedding(), ProjectorPath = TestModels.TestModels.Projector(), Threads = 1 };

        var e = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Model.LoadAsync(options));

        Assert.Contains("is an embedding model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_VocabularyWithoutMediaTokens_IsRefusedBeforeMtmd()
    {
        // The same vocabulary with the media control tokens demoted to plain text pieces.
        var spec = TinyModelSpec.Default with { Name = "gemma4-tiny-no-media-tokens" };
        var writer = TestModels.TestModels.CreateWriter(TestModelKind.Gemma4, spec);
        var tokens = (string[])writer.Metadata.Single(kv => kv.Key == "tokenizer.ggml.tokens").Value.Value;
        var types = ((int[])writer.Metadata.Single(kv => kv.Key == "tokenizer.ggml.token_type").Value.Value).ToArray();
        foreach (var media in (string[])["<|image|>", "<|image>", "<image|>", "<|audio|>", "<|audio>", "<audio|>"])
        {
            types[Array.IndexOf(tokens, media)] = 1; // NORMAL
        }

        writer.SetMetadata("tokenizer.ggml.token_type", GgufMetadataValue.Int32Array(types));
        var modelPath = _dir.File("no-media-tokens.gguf");
        writer.WriteTo(modelPath);

        var e = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Model.LoadAsync(new Gemma4ModelOptions
        {
            ModelPath = modelPath,
            ProjectorPath = TestModels.TestModels.Projector(),
            Threads = 1,
            ContextSize = 512,
        }));

        Assert.Contains("the vocabulary lacks the media control token(s) <|image|>, <|image>, <image|>, <|audio|>, <|audio>, <audio|>", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MemoryEstimate_CountsTheProjector()
    {
        var options = Options(TestModels.TestModels.Projector());
        var withProjector = Gemma4MemoryEstimator.Estimate(options.ModelPath, options);
        var textOnly = Gemma4MemoryEstimator.Estimate(options.ModelPath, Options(null));

        var tensorBytes = Gemma4.AI.Gguf.GgufReader.Read(options.ProjectorPath!).Tensors.Sum(t => t.ByteSize!.Value);
        Assert.True(withProjector.ProjectorBytes > tensorBytes, $"{withProjector.ProjectorBytes} <= {tensorBytes}");
        Assert.Equal(0, textOnly.ProjectorBytes);
        Assert.Equal(textOnly.TotalBytes + withProjector.ProjectorBytes, withProjector.TotalBytes);
    }

    internal static Gemma4ModelOptions Options(string? projector) => new()
    {
        ModelPath = TestModels.TestModels.Gemma4(),
        ProjectorPath = projector,
        ContextSize = 2048,
        Threads = 1,
        BatchThreads = 1,
        MaxParallelSequences = 4,
    };

    private static TinyProjectorSpec Broken(string name)
    {
        var both = TinyProjectorSpec.Default;
        var vision = TinyProjectorSpec.VisionOnly;
        var audio = TinyProjectorSpec.AudioOnly;
        return name switch
        {
            "embedding-length-as-i32" => vision with { OverrideKeys = Key("clip.vision.embedding_length", GgufMetadataValue.Int32(32)) },
            "epsilon-as-f64" => vision with { OverrideKeys = Key("clip.vision.attention.layer_norm_epsilon", GgufMetadataValue.Float64(1e-6)) },
            "has-vision-as-u8" => vision with { OverrideKeys = Key("clip.has_vision_encoder", GgufMetadataValue.UInt8(1)) },
            "projector-type-as-u32" => vision with { OverrideKeys = Key("clip.vision.projector_type", GgufMetadataValue.UInt32(4)) },
            "image-mean-as-f64" => vision with { OverrideKeys = Key("clip.vision.image_mean", GgufMetadataValue.Float64Array([0, 0, 0])) },
            "mel-bins-as-i64" => audio with { OverrideKeys = Key("clip.audio.num_mel_bins", GgufMetadataValue.Int64(16)) },
            "no-patch-embd" => vision with { OmitTensors = ["v.patch_embd.weight"] },
            "no-position-embd" => vision with { OmitTensors = ["v.position_embd.weight"] },
            "patch-embd-shape" => vision with { TensorShapes = Shape("v.patch_embd.weight", 16, 16, 3, 16) },
            "position-embd-2d" => vision with { TensorShapes = Shape("v.position_embd.weight", 32, 2048) },
            "attn-q-shape" => vision with { TensorShapes = Shape("v.blk.0.attn_q.weight", 32, 16) },
            "ffn-down-shape" => vision with { TensorShapes = Shape("v.blk.0.ffn_down.weight", 32, 64) },
            "no-input-projection" => vision with { OmitTensors = ["mm.input_projection.weight"] },
            "no-audio-projection" => audio with { OmitTensors = ["mm.a.input_projection.weight"] },
            "no-k-rel" => audio with { OmitTensors = ["a.blk.0.attn_k_rel.weight"] },
            "conv-dw-kernel-3" => audio with { TensorShapes = Shape("a.blk.0.conv_dw.weight", 3, 32) },
            "conv1-shape" => audio with { TensorShapes = Shape("a.conv1d.1.weight", 3, 3, 4, 4) },
            "audio-input-projection-shape" => audio with { TensorShapes = Shape("a.input_projection.weight", 20, 32) },
            "conv-dw-f16" => audio with { TensorTypes = Type("a.blk.0.conv_dw.weight", GgufTensorType.F16) },
            "norm-f16" => vision with { TensorTypes = Type("v.blk.0.ln1.weight", GgufTensorType.F16) },
            "audio-scale-f16" => audio with { TensorTypes = Type("a.blk.0.per_dim_scale.weight", GgufTensorType.F16) },
            "patch-embd-q8" => vision with { PatchSize = 32, TensorTypes = Type("v.patch_embd.weight", GgufTensorType.Q8_0) },
            "clamp-not-scalar" => vision with { ExtraTensors = Shape("mm.input_projection.input_max", 2) },
            "position-table-8" => vision with { PositionTableSize = 8 },
            "position-table-48" => vision with { PositionTableSize = 48 },
            "width-64" => vision with { ProjectionWidth = 64 },
            "audio-width-64" => audio with { ProjectionWidth = 64 },
            "no-patch-size" => vision with { OmitKeys = ["clip.vision.patch_size"] },
            "no-image-mean" => vision with { OmitKeys = ["clip.vision.image_mean"] },
            "global-type-in-both" => both with { OverrideKeys = Key("clip.projector_type", GgufMetadataValue.String("gemma4v")) },
            "unknown-type" => vision with { OverrideKeys = Key("clip.vision.projector_type", GgufMetadataValue.String("gemma9v")) },
            "gemma3-type" => vision with { OverrideKeys = Key("clip.vision.projector_type", GgufMetadataValue.String("gemma3")) },
            "unified-type" => vision with { OverrideKeys = Key("clip.vision.projector_type", GgufMetadataValue.String("gemma4uv")) },
            "no-encoder" => vision with { OmitKeys = ["clip.has_vision_encoder"] },
            "heads-not-dividing" => vision with { OverrideKeys = Key("clip.vision.attention.head_count", GgufMetadataValue.UInt32(3)) },
            "not-clip" => vision with { OverrideKeys = Key("general.architecture", GgufMetadataValue.String("llama")) },
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    private static Dictionary<string, GgufMetadataValue> Key(string key, GgufMetadataValue value) => new() { [key] = value };

    private static Dictionary<string, GgufTensorType> Type(string tensor, GgufTensorType type) => new() { [tensor] = type };

    private static Dictionary<string, IReadOnlyList<long>> Shape(string tensor, params long[] shape) => new() { [tensor] = shape };
}
