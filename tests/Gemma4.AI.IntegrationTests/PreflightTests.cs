using Gemma4.AI.Gguf;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;

namespace Gemma4.AI.IntegrationTests;

/// <summary>
/// Bad files are refused in managed code, before llama.cpp sees them: several of these would abort the test host if
/// they reached the native loader, so reaching the end of this class at all is part of the test.
/// </summary>
public sealed class PreflightTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Validate_MissingFile_Throws()
    {
        var path = _dir.File("nope.gguf");

        var e = AssertRefused(path, "model file not found");
        Assert.Null(e.InnerException);
    }

    [Fact]
    public void Validate_Directory_Throws() => AssertRefused(_dir.Path, "is a directory");

    [Fact]
    public void Validate_EmptyFile_Throws()
    {
        var path = _dir.File("empty.gguf");
        File.WriteAllBytes(path, []);

        AssertRefused(path, "the file is empty");
    }

    [Fact]
    public void Validate_TextFile_Throws()
    {
        var path = _dir.File("readme.gguf");
        File.WriteAllText(path, "This is not a model, just some text.\n");

        var e = AssertRefused(path, "not a GGUF file (it starts with 'This'");
        Assert.IsType<GgufFormatException>(e.InnerException);
    }

    [Fact]
    public void Validate_FileCutInTensorData_ReportsTruncation()
    {
        var path = Truncate(TestModels.TestModels.Gemma4(), keepFraction: 0.6);

        AssertRefused(path, "the file is truncated");
    }

    [Fact]
    public void Validate_FileCutInHeader_ReportsTruncatedHeader()
    {
        var path = Truncate(TestModels.TestModels.Gemma4(), keepBytes: 5000);

        AssertRefused(path, "the GGUF header is truncated");
    }

    [Fact]
    public void Validate_WrongArchitecture_NamesIt()
    {
        var path = Generate(TinyModelSpec.Default with
        {
            OverrideKeys = new Dictionary<string, GgufMetadataValue> { ["general.architecture"] = GgufMetadataValue.String("llama") },
        });

        AssertRefused(path, "unsupported model architecture 'llama'");
    }

    [Fact]
    public void Validate_MissingRopeDimensionCountSwa_SaysLlamaCppWouldAbort() =>
        AssertRefused(
            Generate(TinyModelSpec.Default with { OmitKeys = ["gemma4.rope.dimension_count_swa"] }),
            "required GGUF key 'gemma4.rope.dimension_count_swa' is missing; llama.cpp would abort on it");

    [Fact]
    public void Validate_MissingBosTokenId_SaysLlamaCppWouldAbort() =>
        AssertRefused(
            Generate(TinyModelSpec.Default with { OmitKeys = ["tokenizer.ggml.bos_token_id"] }),
            "required GGUF key 'tokenizer.ggml.bos_token_id' is missing; llama.cpp would abort on it");

    [Fact]
    public void Validate_BosTokenIdOutOfRange_SaysLlamaCppWouldAbort() =>
        AssertRefused(
            Generate(TinyModelSpec.Default with
            {
                OverrideKeys = new Dictionary<string, GgufMetadataValue> { ["tokenizer.ggml.bos_token_id"] = GgufMetadataValue.UInt32(99999) },
            }),
            "'tokenizer.ggml.bos_token_id' is 99999");

    [Fact]
    public void Validate_FloatArrayForPerLayerKey_SaysLlamaCppWouldAbort() =>
        AssertRefused(
            Generate(TinyModelSpec.Default with
            {
                OverrideKeys = new Dictionary<string, GgufMetadataValue> { ["gemma4.attention.head_count_kv"] = GgufMetadataValue.Float32Array([2, 2, 2, 1]) },
            }),
            "'gemma4.attention.head_count_kv' is a Float32 array");

    [Fact]
    public void Validate_EmbeddingModelWithBoolPattern_SaysLlamaCppWouldAbort()
    {
        var path = _dir.File("emb-bool.gguf");
        TestModels.TestModels.Write(TestModelKind.GemmaEmbedding, TinyModelSpec.EmbeddingDefault with
        {
            OverrideKeys = new Dictionary<string, GgufMetadataValue>
            {
                ["gemma-embedding.attention.sliding_window_pattern"] = GgufMetadataValue.BoolArray([true, true, true, false]),
            },
        }, path);

        AssertRefused(path, "gemma-embedding expects a uint32 period");
    }

    [Fact]
    public void Validate_SharedKvLayerWithoutSourceOfItsKind_SaysLlamaCppWouldAbort() =>
        AssertRefused(
            Generate(TinyModelSpec.Default with
            {
                // Layer 3 (global) would reuse layer 2's cache, but layer 2 is a sliding-window layer.
                OverrideKeys = new Dictionary<string, GgufMetadataValue> { ["gemma4.attention.shared_kv_layers"] = GgufMetadataValue.UInt32(1) },
            }),
            "the shared global layers would reuse the KV cache of layer 2, which is not a global layer; llama.cpp would abort on it");

    [Theory]
    [InlineData("gemma4.context_length")]
    [InlineData("gemma4.attention.head_count_kv")]
    [InlineData("gemma4.attention.sliding_window_pattern")]
    [InlineData("gemma4.attention.key_length_swa")]
    [InlineData("gemma4.embedding_length_per_layer_input")]
    [InlineData("tokenizer.ggml.merges")]
    public void Validate_MissingRequiredKey_NamesIt(string key) =>
        AssertRefused(Generate(TinyModelSpec.Default with { OmitKeys = [key] }), $"required GGUF key '{key}' is missing");

    [Fact]
    public void Validate_WrongValueType_NamesTheExpectedType() =>
        AssertRefused(
            Generate(TinyModelSpec.Default with
            {
                OverrideKeys = new Dictionary<string, GgufMetadataValue> { ["gemma4.context_length"] = GgufMetadataValue.UInt64(4096) },
            }),
            "'gemma4.context_length' has type UInt64; llama.cpp requires a uint32");

    [Fact]
    public void Validate_MissingTensor_NamesIt() =>
        AssertRefused(Generate(TinyModelSpec.Default with { OmitTensors = ["token_embd.weight"] }), "'token_embd.weight' is missing");

    [Fact]
    public void Validate_SeveralProblems_ListsThemAll()
    {
        var e = AssertRefused(
            Generate(TinyModelSpec.Default with { OmitKeys = ["gemma4.rope.dimension_count_swa", "tokenizer.ggml.bos_token_id"] }),
            "2 problems");

        Assert.Contains("rope.dimension_count_swa", e.Message, StringComparison.Ordinal);
        Assert.Contains("bos_token_id", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_TensorOffsetIntoAnotherTensor_NamesBoth_AndLoadIsRefusedTheSameWay()
    {
        var source = TestModels.TestModels.Gemma4();
        var tensors = GgufReader.Read(source).Tensors;
        var (first, second) = (tensors[0], tensors[1]);
        var path = _dir.File("overlap.gguf");
        var bytes = File.ReadAllBytes(source);
        GgufPatch.SetTensorOffset(bytes, second.Name, first.Offset); // the second tensor's data now starts inside the first's

        await File.WriteAllBytesAsync(path, bytes);

        AssertRefused(path, $"tensor '{second.Name}'");
        AssertRefused(path, $"overlaps tensor '{first.Name}'");
        var load = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Model.LoadAsync(TinyChatModel.Options(path)));
        Assert.Contains("overlaps", load.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, GgufMetadataValue, string> ValuesLlamaCppAbortsOn => new()
    {
        // Each passed the preflight and killed the process at the first decode (GGML_ASSERT in ggml's norm or rope).
        { "gemma4.attention.layer_norm_rms_epsilon", GgufMetadataValue.Float32(float.NaN), "is NaN, not a finite number >= 0; llama.cpp would abort on it" },
        { "gemma4.attention.layer_norm_rms_epsilon", GgufMetadataValue.Float32(-1), "is -1, not a finite number >= 0" },
        { "gemma4.rope.dimension_count", GgufMetadataValue.UInt32(100_000), "is 100000, but heads have 64 dimensions ('gemma4.attention.key_length')" },
        { "gemma4.rope.dimension_count_swa", GgufMetadataValue.UInt32(100_000), "is 100000, but heads have 32 dimensions ('gemma4.attention.key_length_swa')" },
        { "gemma4.rope.dimension_count", GgufMetadataValue.UInt32(63), "is 63, an odd number of rotated dimensions" },
        { "gemma4.rope.dimension_count_swa", GgufMetadataValue.UInt32(31), "is 31, an odd number of rotated dimensions" },
    };

    [Theory]
    [MemberData(nameof(ValuesLlamaCppAbortsOn))]
    public void Validate_ValueLlamaCppAbortsOn_IsRefusedNamingTheKey(string key, GgufMetadataValue value, string problem) =>
        AssertRefused(Generate(TinyModelSpec.Default with { OverrideKeys = new Dictionary<string, GgufMetadataValue> { [key] = value } }), $"GGUF key '{key}' {problem}");

    [Fact]
    public async Task LoadAsync_FileLlamaCppRefuses_GivesLlamaCppsReason()
    {
        // Passes the preflight (a head count of 0 is not checked there); llama.cpp then refuses a tensor's shape.
        var path = Generate(TinyModelSpec.Default with
        {
            OverrideKeys = new Dictionary<string, GgufMetadataValue> { ["gemma4.attention.head_count"] = GgufMetadataValue.UInt32(0) },
        });

        var ex = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Model.LoadAsync(TinyChatModel.Options(path)));

        Assert.Contains("has wrong shape", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_GoodModels_Pass()
    {
        Assert.Equal("gemma4", Gemma4GgufPreflight.Validate(TestModels.TestModels.Gemma4()).Architecture);
        Assert.Equal("gemma-embedding", Gemma4GgufPreflight.Validate(TestModels.TestModels.GemmaEmbedding()).Architecture);
    }

    private string Generate(TinyModelSpec spec)
    {
        var path = _dir.File(Guid.NewGuid().ToString("N") + ".gguf");
        TestModels.TestModels.Write(TestModelKind.Gemma4, spec, path);
        return path;
    }

    private string Truncate(string source, double keepFraction = 1, long keepBytes = -1)
    {
        var bytes = File.ReadAllBytes(source);
        var keep = keepBytes >= 0 ? keepBytes : (long)(bytes.Length * keepFraction);
        var path = _dir.File("truncated.gguf");
        File.WriteAllBytes(path, bytes.AsSpan(0, (int)keep).ToArray());
        return path;
    }

    private static Gemma4ModelLoadException AssertRefused(string path, string problem)
    {
        var e = Assert.Throws<Gemma4ModelLoadException>(() => Gemma4GgufPreflight.Validate(path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        return e;
    }
}
