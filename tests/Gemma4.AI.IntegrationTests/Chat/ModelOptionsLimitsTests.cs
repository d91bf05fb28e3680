using Gemma4.AI.Gguf;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;
using LLama;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>
/// Option values llama.cpp aborts on, or that would exhaust the machine, are refused before any native call, with a
/// message naming the options; a context llama.cpp fails to create leaves nothing loaded and says why.
/// </summary>
public sealed class ModelOptionsLimitsTests
{
    [Theory]
    [InlineData(16, 17)]
    [InlineData(64, 65)]
    [InlineData(100, 101)]
    [InlineData(255, 256)]
    [InlineData(16, 256)]
    public async Task LoadAsync_MoreParallelSequencesThanContext_IsRefusedNamingBothOptions(int context, int sequences)
    {
        // llama.cpp caps n_batch at n_ctx and reserves outputs for n_batch: this used to abort the process (GGML_ASSERT).
        var options = Options(context, sequences);

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Gemma4Model.LoadAsync(options));

        Assert.Equal(nameof(Gemma4ModelOptions.MaxParallelSequences), ex.ParamName);
        Assert.Contains($"ContextSize ({context})", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_AsManyParallelSequencesAsContext_LoadsAndAnswers()
    {
        using var model = await Gemma4Model.LoadAsync(Options(64, 64));
        using var client = new Gemma4ChatClient(model);

        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 2, Temperature = 0 })));

        Assert.All(answers, a => Assert.Equal(2, a.Usage!.OutputTokenCount));
    }

    [Theory]
    [InlineData(nameof(Gemma4ModelOptions.Threads))]
    [InlineData(nameof(Gemma4ModelOptions.BatchThreads))]
    public void Validate_TenThousandThreads_IsRefusedNamingTheLimit(string option)
    {
        var options = Options(1024, 1);
        typeof(Gemma4ModelOptions).GetProperty(option)!.SetValue(options, 10_000);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(option, ex.ParamName);
        Assert.Contains($"between 1 and {4 * Environment.ProcessorCount}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("10000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThreadOptions_OfEmbeddingsAndQuantization_AreBoundedToo()
    {
        var max = 4 * Environment.ProcessorCount;
        var embeddings = Assert.Throws<ArgumentOutOfRangeException>(new Gemma4EmbeddingGeneratorOptions { Threads = max + 1 }.Validate);
        new Gemma4EmbeddingGeneratorOptions { Threads = max }.Validate();

        Assert.Equal(nameof(Gemma4EmbeddingGeneratorOptions.Threads), embeddings.ParamName);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Gemma4Quantizer.QuantizeAsync(
            TestModels.TestModels.Gemma4(), Path.Combine(Path.GetTempPath(), "never.gguf"), Gemma4QuantizationType.Q8_0,
            new Gemma4QuantizeOptions { Threads = 10_000 }));
    }

    [Fact]
    public async Task LoadAsync_ContextBeyondTheTrainedContext_IsRefused_AndLeavesNothingMapped()
    {
        var options = Options(1_000_000_000, 1);
        var before = Mappings(options.ModelPath);

        for (var i = 0; i < 3; i++)
        {
            var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Gemma4Model.LoadAsync(options));
            Assert.Equal(nameof(Gemma4ModelOptions.ContextSize), ex.ParamName);
            Assert.Contains("trained context of 131072 tokens", ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, Mappings(options.ModelPath));
    }

    [Fact]
    public async Task LoadAsync_ContextWhoseKvCacheExceedsMemory_IsRefusedWithTheEstimate()
    {
        // A model trained for a billion tokens: the trained-context check passes, the KV cache cannot be allocated.
        var path = TestModels.TestModels.Gemma4(TinyModelSpec.Default with { ContextLength = 1_000_000_000 });
        var options = Options(1_000_000_000, 1);
        options.ModelPath = path;

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Gemma4Model.LoadAsync(options));

        Assert.Equal(nameof(Gemma4ModelOptions.ContextSize), ex.ParamName);
        Assert.Matches(@"needs about [0-9.]+ GiB \(KV cache [0-9.]+ GiB", ex.Message);
        Assert.Contains("this process may use", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MicroBatchFarAboveTheContext_IsEstimatedAsLlamaCppCapsIt_AndLoads()
    {
        // llama.cpp caps n_batch at n_ctx and n_ubatch at n_batch; the estimate once took 2^30 tokens at face value
        // and refused the load for "8192 GiB of compute buffers".
        var huge = Options(1024, 1);
        huge.BatchSize = huge.MicroBatchSize = 1 << 30;
        var capped = Options(1024, 1);
        capped.BatchSize = capped.MicroBatchSize = 1024;
        var info = Gemma4GgufPreflight.Validate(huge.ModelPath);

        using var model = await Gemma4Model.LoadAsync(huge);
        using var client = new Gemma4ChatClient(model);
        var answer = await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 2, Temperature = 0 });

        Assert.Equal(Gemma4MemoryEstimator.Estimate(info, capped), Gemma4MemoryEstimator.Estimate(info, huge));
        Assert.Equal(2, answer.Usage!.OutputTokenCount);
    }

    [Fact]
    public void CreateContext_WhenLlamaCppFails_GivesItsReason_AndReleasesTheWeights()
    {
        // A private copy of the file, so only this test's mappings of it are counted.
        using var dir = new TempDirectory();
        var path = dir.File("model.gguf");
        File.Copy(TestModels.TestModels.Gemma4(), path);
        var options = Options(1024, 1);
        options.ModelPath = path;
        var parameters = Gemma4Model.ToModelParams(options, Gemma4GgufPreflight.Validate(path));

        for (var i = 0; i < 3; i++)
        {
            var weights = LLamaWeights.LoadFromFile(parameters);
            Assert.Equal(1, Mappings(path));
            parameters.SeqMax = 300; // past what options validation allows: llama.cpp refuses it (returns no context)

            var ex = Assert.Throws<Gemma4ModelLoadException>(() => Gemma4Model.CreateContext(weights, parameters, path));
            weights.Dispose();

            Assert.Contains("n_seq_max must be <= 256", ex.Message, StringComparison.Ordinal);
            Assert.Equal(0, Mappings(path)); // LLamaSharp's reference on the weights was released: they are unmapped
            parameters.SeqMax = 1;
        }
    }

    private static Gemma4ModelOptions Options(int context, int sequences)
    {
        var options = TinyChatModel.Options(TestModels.TestModels.Gemma4());
        options.ContextSize = context;
        options.MaxParallelSequences = sequences;
        return options;
    }

    private static int Mappings(string path) => File.ReadAllLines("/proc/self/maps").Count(l => l.EndsWith(path, StringComparison.Ordinal));
}
