using Gemma4.AI.Gguf;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;

namespace Gemma4.AI.IntegrationTests;

/// <summary>The generated models are what the spec says, deterministic, and cached safely.</summary>
public sealed class TestModelFactoryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Gemma4_DefaultSpec_HeaderDescribesTheTinyModel()
    {
        var info = Gemma4GgufPreflight.Validate(TestModels.TestModels.Gemma4());

        Assert.Equal("gemma4", info.Architecture);
        Assert.Equal("gemma4-tiny-test", info.Name);
        Assert.Equal(131072, info.ContextLength);
        Assert.Equal(128, info.EmbeddingLength);
        Assert.Equal(4, info.BlockCount);
        Assert.Equal([4, 4, 4, 4], info.HeadCount);
        Assert.Equal([2, 2, 2, 1], info.HeadCountKv);
        Assert.Equal(64, info.KeyLength);
        Assert.Equal(32, info.KeyLengthSwa);
        Assert.Equal(128, info.SlidingWindow);
        Assert.Equal([true, true, true, false], info.SlidingWindowPattern);
        Assert.InRange(info.VocabSize, 700, 1000);
        Assert.Equal(TestVocabulary.Default.Count, info.VocabSize);
        Assert.Equal(2, info.BosTokenId);
        Assert.Equal(1, info.EosTokenId);
        Assert.Equal(0, info.PadTokenId);
        Assert.Equal("F16", info.Quantization);
        Assert.Null(info.ChatTemplate);
        Assert.InRange(info.FileLength, 1_000_000, 2_000_000);
        Assert.InRange(info.TensorBytes, info.FileLength - 200_000, info.FileLength);
    }

    [Fact]
    public void GemmaEmbedding_DefaultSpec_HeaderDescribesTheEmbeddingModel()
    {
        var path = TestModels.TestModels.GemmaEmbedding();
        var info = Gemma4GgufPreflight.Validate(path);
        var file = GgufReader.Read(path);

        Assert.True(info.IsEmbeddingModel);
        Assert.Equal(1, info.PoolingType);
        Assert.Equal([true, true, true, false], info.SlidingWindowPattern);
        Assert.Equal(4u, file.Get("gemma-embedding.attention.sliding_window_pattern")!.Value);
        Assert.Equal(false, file.Get("gemma-embedding.attention.causal")!.Value);
        Assert.Null(file.GetTensor("rope_freqs.weight"));
    }

    [Fact]
    public void Gemma4_SpecOptions_AreWritten()
    {
        var spec = TinyModelSpec.Default with
        {
            ChatTemplate = "{{ bos_token }}",
            Name = null,
            WeightType = GgufTensorType.Q8_0,
            VocabularySize = 1024,
            OverrideKeys = new Dictionary<string, GgufMetadataValue> { ["test.extra"] = GgufMetadataValue.Int32(-1) },
            OmitKeys = ["gemma4.final_logit_softcapping"],
        };
        var path = _dir.File("options.gguf");
        TestModels.TestModels.Write(TestModelKind.Gemma4, spec, path);

        var file = GgufReader.Read(path);
        var info = Gemma4GgufPreflight.Validate(file, path);
        Assert.Equal("{{ bos_token }}", info.ChatTemplate);
        Assert.Null(info.Name);
        Assert.Equal("Q8_0", info.Quantization);
        Assert.Equal(1024, info.VocabSize);
        Assert.Equal(-1, file.Get("test.extra")!.Value);
        Assert.Null(file.Get("gemma4.final_logit_softcapping"));
        Assert.Equal(GgmlType.F32, file.GetTensor("blk.0.attn_norm.weight")!.Type);
        Assert.Equal(GgmlType.Q8_0, file.GetTensor("blk.0.attn_q.weight")!.Type);
    }

    [Fact]
    public void Write_SameSpec_GivesIdenticalBytes()
    {
        foreach (var type in new[] { GgufTensorType.F16, GgufTensorType.Q4_0 })
        {
            var spec = TinyModelSpec.Default with { WeightType = type };
            var a = _dir.File($"a-{type}.gguf");
            var b = _dir.File($"b-{type}.gguf");
            TestModels.TestModels.Write(TestModelKind.Gemma4, spec, a);
            TestModels.TestModels.Write(TestModelKind.Gemma4, spec, b);

            Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        }
    }

    [Fact]
    public void Write_DifferentSeed_GivesDifferentWeights()
    {
        var a = _dir.File("seed1.gguf");
        var b = _dir.File("seed2.gguf");
        TestModels.TestModels.Write(TestModelKind.Gemma4, TinyModelSpec.Default with { Seed = 1 }, a);
        TestModels.TestModels.Write(TestModelKind.Gemma4, TinyModelSpec.Default with { Seed = 2 }, b);

        Assert.NotEqual(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.Equal(new FileInfo(a).Length, new FileInfo(b).Length);
    }

    [Fact]
    public void ContentHash_DependsOnEverySpecChange_AndOnKind()
    {
        var baseHash = TestModels.TestModels.ContentHash(TestModelKind.Gemma4, TinyModelSpec.Default);
        Assert.Equal(baseHash, TestModels.TestModels.ContentHash(TestModelKind.Gemma4, TinyModelSpec.Default with { }));
        Assert.Equal(baseHash, TestModels.TestModels.ContentHash(TestModelKind.Gemma4, TinyModelSpec.Default with { KvHeads = [2, 2, 2, 1] }));
        TinyModelSpec[] variants =
        [
            TinyModelSpec.Default with { Seed = 7 },
            TinyModelSpec.Default with { KvHeads = [2, 2, 1, 1] },
            TinyModelSpec.Default with { ChatTemplate = "x" },
            TinyModelSpec.Default with { Name = null },
            TinyModelSpec.Default with { OmitKeys = ["gemma4.rope.dimension_count_swa"] },
            TinyModelSpec.Default with { OverrideKeys = new Dictionary<string, GgufMetadataValue> { ["general.architecture"] = GgufMetadataValue.String("llama") } },
            TinyModelSpec.Default with { WeightType = GgufTensorType.Q4_0 },
            TinyModelSpec.Default with { VocabularySize = 2048 },
        ];
        var hashes = variants.Select(v => TestModels.TestModels.ContentHash(TestModelKind.Gemma4, v)).Append(baseHash).ToList();
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
        Assert.NotEqual(baseHash, TestModels.TestModels.ContentHash(TestModelKind.GemmaEmbedding, TinyModelSpec.Default));
    }

    [Fact]
    public void GetOrCreate_SecondCall_ReusesTheCachedFile()
    {
        var spec = TinyModelSpec.Default with { Seed = 1234 };
        var first = TestModels.TestModels.GetOrCreate(TestModelKind.Gemma4, spec, _dir.Path);
        var written = File.GetLastWriteTimeUtc(first);

        var second = TestModels.TestModels.GetOrCreate(TestModelKind.Gemma4, spec, _dir.Path);

        Assert.Equal(first, second);
        Assert.Equal(written, File.GetLastWriteTimeUtc(second));
        Assert.StartsWith(_dir.Path, first, StringComparison.Ordinal);
        Assert.EndsWith(TestModels.TestModels.ContentHash(TestModelKind.Gemma4, spec) + ".gguf", first, StringComparison.Ordinal);
    }

    [Fact]
    public void GetOrCreate_ParallelCallers_GetOneCompleteFile()
    {
        var spec = TinyModelSpec.Default with { Seed = 99 };
        var paths = new string[8];
        Parallel.For(0, paths.Length, i => paths[i] = TestModels.TestModels.GetOrCreate(TestModelKind.Gemma4, spec, _dir.Path));

        Assert.Single(paths.Distinct());
        Assert.Equal([Path.GetFileName(paths[0])], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
        Gemma4GgufPreflight.Validate(paths[0]);
    }

    [Fact]
    public void CacheDirectory_DefaultsUnderTemp()
    {
        if (Environment.GetEnvironmentVariable(TestModels.TestModels.CacheEnvironmentVariable) is { Length: > 0 } custom)
        {
            Assert.Equal(custom, TestModels.TestModels.CacheDirectory);
        }
        else
        {
            Assert.Equal(Path.Combine(Path.GetTempPath(), "gemma4-ai-test-models"), TestModels.TestModels.CacheDirectory);
        }
    }

    [Fact]
    public void Gemma4E2B_Preset_HasTheRealE2BShape()
    {
        var writer = TestModels.TestModels.CreateWriter(TestModelKind.Gemma4, TinyModelSpec.Gemma4E2B);
        var names = writer.TensorNames.ToHashSet();
        var meta = writer.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);

        Assert.InRange(writer.ComputeFileLength(), 2_400_000_000, 2_900_000_000);
        Assert.Equal(35u, meta["gemma4.block_count"].Value);
        Assert.Equal(1536u, meta["gemma4.embedding_length"].Value);
        Assert.Equal(256u, meta["gemma4.embedding_length_per_layer_input"].Value);
        Assert.Equal(20u, meta["gemma4.attention.shared_kv_layers"].Value);
        Assert.Equal(512u, meta["gemma4.attention.key_length"].Value);
        Assert.Equal(256u, meta["gemma4.attention.key_length_swa"].Value);
        Assert.Equal(262_144, ((string[])meta["tokenizer.ggml.tokens"].Value).Length);
        var pattern = (bool[])meta["gemma4.attention.sliding_window_pattern"].Value;
        Assert.Equal([4, 9, 14, 19, 24, 29, 34], Enumerable.Range(0, 35).Where(il => !pattern[il]));
        var ff = (uint[])meta["gemma4.feed_forward_length"].Value;
        Assert.Equal(6144u, ff[14]);
        Assert.Equal(12288u, ff[15]);
        Assert.Contains("per_layer_token_embd.weight", names);
        Assert.Contains("blk.14.attn_k.weight", names);
        Assert.DoesNotContain("blk.15.attn_k.weight", names);
        Assert.Contains("blk.34.inp_gate.weight", names);
        Assert.Contains("blk.34.layer_output_scale.weight", names);
    }

    [Fact]
    public void Gemma4E4B_Preset_HasTheRealE4BShape()
    {
        var writer = TestModels.TestModels.CreateWriter(TestModelKind.Gemma4, TinyModelSpec.Gemma4E4B);
        var meta = writer.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);

        Assert.Equal(42u, meta["gemma4.block_count"].Value);
        Assert.Equal(2560u, meta["gemma4.embedding_length"].Value);
        Assert.Equal(18u, meta["gemma4.attention.shared_kv_layers"].Value);
        Assert.Equal(Enumerable.Repeat(2u, 42), (uint[])meta["gemma4.attention.head_count_kv"].Value);
        Assert.DoesNotContain("blk.24.attn_k.weight", writer.TensorNames);
    }

    [Fact]
    public void TestVocabulary_HasTheGemma4Layout()
    {
        var v = TestVocabulary.Default;

        Assert.Equal(["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<|turn>"], v.Tokens.Take(6));
        Assert.Equal([3, 3, 3, 2, 3, 3], v.TokenTypes.Take(6));
        Assert.Equal(4, v.TokenTypes[v.IdOf("<|tool_call>")]);
        Assert.Equal("<0x00>", v.Tokens[TestVocabulary.ByteTokenId(0)]);
        Assert.Equal("<0xFF>", v.Tokens[TestVocabulary.ByteTokenId(255)]);
        Assert.Equal(6, v.TokenTypes[TestVocabulary.ByteTokenId(0x41)]);
        Assert.Equal(TestVocabulary.ByteTokenId(255) + 1, v.FirstNormalId);
        Assert.Contains("\u2581the", v.Tokens);
        Assert.All(v.Merges, m => Assert.Equal(2, m.Split(' ').Length));
        Assert.All(v.Merges, m => Assert.NotEqual(-1, v.IdOf(m.Replace(" ", string.Empty, StringComparison.Ordinal))));
        Assert.Equal(v.Tokens.Count, v.Tokens.Distinct().Count());
        Assert.Equal(262_144, TestVocabulary.Create(262_144).Count);
    }
}
