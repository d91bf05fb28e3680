using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;

namespace Gemma4.AI.IntegrationTests.Lora;

/// <summary>Loading adapters: mismatched files are refused in managed code with a clear message, and the model keeps working.</summary>
public sealed class LoraLoadTests
{
    public static TheoryData<string, string> MismatchedAdapters => new()
    {
        // name of the case, expected fragment of the message
        { "wider-base", "'blk.0.attn_q.weight' is [128, 128] in the base model" },
        { "model-not-adapter", "GGUF key 'general.type'" },
        { "not-lora", "GGUF key 'adapter.type' is 'control_vector', expected 'lora'" },
        { "other-architecture", "the adapter is for architecture 'llama' but the base model is 'gemma4'" },
        { "alpha-not-float", "GGUF key 'adapter.lora.alpha' has type UInt32, expected a float32; llama.cpp would abort on it" },
        { "type-not-string", "GGUF key 'general.type' has type UInt32, expected a string; llama.cpp would abort on it" },
        { "missing-tensor-in-base", "adapts 'blk.7.attn_q.weight', which the base model does not have" },
        { "alora", "activated LoRA (aLoRA)" },
    };

    [Theory]
    [MemberData(nameof(MismatchedAdapters))]
    public async Task LoadAdapterAsync_MismatchedFile_ThrowsClearException_AndTheModelKeepsWorking(string @case, string expected)
    {
        using var model = await Gemma4Model.LoadAsync(LoraRuns.Options());
        var path = AdapterFor(@case);

        var error = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => model.LoadAdapterAsync(path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(Path.GetFullPath(path), error.FilePath);
        Assert.Empty(model.Adapters);
        var run = await LoraRuns.GreedyAsync(model, LoraRuns.Prompt(model, "Still alive?"), adapters: null, maxTokens: 4);
        Assert.NotEmpty(run.Tokens);
    }

    [Fact]
    public async Task LoadAdapterAsync_TensorOffsetIntoAnotherTensor_IsRefusedNamingBoth()
    {
        using var model = await Gemma4Model.LoadAsync(LoraRuns.Options());
        using var dir = new TempDirectory();
        var source = TestModels.TestModels.Lora();
        var tensors = Gemma4.AI.Gguf.GgufReader.Read(source).Tensors;
        var bytes = await File.ReadAllBytesAsync(source);
        GgufPatch.SetTensorOffset(bytes, tensors[1].Name, tensors[0].Offset);
        var path = dir.File("overlap-lora.gguf");
        await File.WriteAllBytesAsync(path, bytes);

        var error = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => model.LoadAdapterAsync(path));

        Assert.Contains($"tensor '{tensors[1].Name}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"overlaps tensor '{tensors[0].Name}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAdapterAsync_MissingFile_Throws()
    {
        using var model = await Gemma4Model.LoadAsync(LoraRuns.Options());
        var error = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => model.LoadAdapterAsync("no-such-adapter.gguf"));
        Assert.Contains("LoRA adapter file not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAdapterAsync_ReportsShapeAndIsSharedByName()
    {
        using var model = await Gemma4Model.LoadAsync(LoraRuns.Options());
        var path = TestModels.TestModels.Lora();

        var adapter = await model.LoadAdapterAsync(path, "medical");
        var again = await model.LoadAdapterAsync(path, "medical");

        Assert.Same(adapter, again);
        Assert.Equal("medical", adapter.Name);
        Assert.Equal(4, adapter.Rank);
        Assert.Equal(8f, adapter.Alpha);
        // 4 layers x 7 projections, less K/V of no layer (the default model shares no KV).
        Assert.Equal(28, adapter.TargetTensors.Count);
        Assert.Contains("blk.3.ffn_down.weight", adapter.TargetTensors);
        Assert.Throws<NotSupportedException>(() => ((IList<string>)adapter.TargetTensors).Clear()); // the adapter's own list
        Assert.True(model.TryGetAdapter("medical", out var found) && ReferenceEquals(found, adapter));
        var other = TestModels.TestModels.Lora(TinyLoraSpec.Default with { Seed = 99 });
        var clash = await Assert.ThrowsAsync<ArgumentException>(() => model.LoadAdapterAsync(other, "medical"));
        Assert.Contains("already loaded", clash.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_RunningRequestFinishes_NewRequestsFail_MemoryIsFreed()
    {
        using var model = await Gemma4Model.LoadAsync(LoraRuns.Options());
        var adapter = await model.LoadAdapterAsync(TestModels.TestModels.Lora());
        var prompt = LoraRuns.Prompt(model, "Keep going.");
        var solo = await LoraRuns.GreedyAsync(model, prompt, [new(adapter)], maxTokens: 16);

        var request = new Engine.GenerationRequest(prompt)
        {
            Adapters = Gemma4.AI.Lora.AdapterSet.Create(model, [new(adapter)]),
            Sampling = new Engine.SamplingParameters { Temperature = 0 },
            MaxOutputTokens = 16,
        };
        var tokens = new List<int>();
        var disposed = false;
        await foreach (var update in model.Engine.GenerateAsync(request))
        {
            if (update.Token >= 0)
            {
                tokens.Add(update.Token);
            }

            if (!disposed)
            {
                adapter.Dispose(); // mid-request: the request keeps its adapter until it ends
                disposed = true;
                Assert.NotEqual(IntPtr.Zero, adapter.Handle);
            }
        }

        Assert.Equal(solo.Tokens, tokens);
        Assert.Throws<ObjectDisposedException>(() => Gemma4.AI.Lora.AdapterSet.Create(model, [new(adapter)]));
        Assert.Empty(model.Adapters);
        // Freed on the decode thread once the request left; the engine wakes for it.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (adapter.Handle != IntPtr.Zero && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(IntPtr.Zero, adapter.Handle);
        var after = await LoraRuns.GreedyAsync(model, prompt, adapters: null, maxTokens: 4);
        Assert.NotEmpty(after.Tokens);
        // The name can be loaded again.
        var reloaded = await model.LoadAdapterAsync(TestModels.TestModels.Lora());
        Assert.NotSame(adapter, reloaded);
    }

    [Fact]
    public async Task AdapterOfAnotherModel_IsRejected()
    {
        using var first = await Gemma4Model.LoadAsync(LoraRuns.Options());
        using var second = await Gemma4Model.LoadAsync(LoraRuns.Options());
        var adapter = await first.LoadAdapterAsync(TestModels.TestModels.Lora());

        var error = Assert.Throws<ArgumentException>(() => Gemma4.AI.Lora.AdapterSet.Create(second, [new(adapter)]));
        Assert.Contains("was loaded for model", error.Message, StringComparison.Ordinal);
    }

    private static string AdapterFor(string @case)
    {
        var lora = TinyLoraSpec.Default;
        return @case switch
        {
            "wider-base" => TestModels.TestModels.Lora(lora, TinyModelSpec.Default with { Heads = 8 }),
            "model-not-adapter" => TestModels.TestModels.Gemma4(),
            "not-lora" => TestModels.TestModels.Lora(lora with { OverrideKeys = new Dictionary<string, GgufMetadataValue> { ["adapter.type"] = GgufMetadataValue.String("control_vector") } }),
            "other-architecture" => TestModels.TestModels.Lora(lora with { OverrideKeys = new Dictionary<string, GgufMetadataValue> { ["general.architecture"] = GgufMetadataValue.String("llama") } }),
            "alpha-not-float" => TestModels.TestModels.Lora(lora with { OverrideKeys = new Dictionary<string, GgufMetadataValue> { ["adapter.lora.alpha"] = GgufMetadataValue.UInt32(16) } }),
            "type-not-string" => TestModels.TestModels.Lora(lora with { OverrideKeys = new Dictionary<string, GgufMetadataValue> { ["general.type"] = GgufMetadataValue.UInt32(1) } }),
            "missing-tensor-in-base" => TestModels.TestModels.Lora(lora, TinyModelSpec.Default with
            {
                Layers = 8,
                KvHeads = [2, 2, 2, 1, 2, 2, 2, 1],
                SlidingPattern = [true, true, true, false, true, true, true, false],
            }),
            "alora" => TestModels.TestModels.Lora(lora with { OverrideKeys = new Dictionary<string, GgufMetadataValue> { ["adapter.alora.invocation_tokens"] = GgufMetadataValue.UInt32Array([5, 6]) } }),
            _ => throw new ArgumentOutOfRangeException(nameof(@case), @case, null),
        };
    }
}
