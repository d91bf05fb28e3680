using Gemma4.AI.Benchmarks.Native;
using Gemma4.AI.IntegrationTests.Embeddings;

namespace Gemma4.AI.IntegrationTests;

/// <summary>
/// The benchmark's native embedding baseline (native/llama_embed_loop.c) is an honest mirror of our generator: given the
/// engine's settings and the same texts it decodes the same tokens in the same packed decodes and returns the same
/// vectors, bit for bit — across the packing boundaries (sequence limit, token budget, an input longer than the budget).
/// </summary>
public sealed class NativeEmbedLoopTests
{
    [Fact]
    public async Task EmbedAsync_TheGeneratorsTextsAndSettings_SameDecodesAndBitIdenticalVectors()
    {
        using var model = EmbeddingModelsFixture.Load(TestModels.TestModels.GemmaEmbedding());
        // 8 sequences per decode and a 64-token budget: the 30 short texts split on both limits, and the long text
        // (more tokens than the budget) gets a decode of its own.
        using var generator = new Gemma4EmbeddingGenerator(model, new Gemma4EmbeddingGeneratorOptions
        {
            Threads = 1,
            BatchSize = 512,
            MaxParallelSequences = 8,
            PackTokens = 64,
        });
        var longText = string.Join(' ', SampleTexts.Create(12, offset: 100));
        string[] texts = [.. SampleTexts.Create(20), longText, .. SampleTexts.Create(10, offset: 20)];
        Assert.InRange(generator.CountTokens(longText), 65, 512);

        var engine = generator.Engine.Settings;
        var binary = NativeLoopBuilder.Build("cc", NativeLoopBuilder.LoadedLibraryDirectory(), NativeEmbedLoop.ProgramName);
        using var loop = await NativeEmbedLoop.StartAsync(
            binary,
            new NativeEmbedSettings(model.ModelPath, engine.Threads, engine.BatchSize, engine.PackTokens, engine.MaxSequences,
                engine.FlashAttention, engine.Pooling, GpuLayers: 0, BackendModule: null, Normalize: true),
            verbose: false,
            CancellationToken.None);
        await loop.SetInputsAsync(texts);

        var native = await loop.EmbedAsync();
        var decodesBefore = generator.Engine.DecodeCount;
        var ours = await generator.GenerateAsync(texts);
        var decodes = generator.Engine.DecodeCount - decodesBefore;

        Assert.Equal(texts.Length, native.Inputs);
        Assert.Equal(ours.Usage!.InputTokenCount, native.Tokens);
        Assert.Equal(decodes, native.Decodes);
        Assert.True(decodes >= 6, $"{decodes} decodes: the packing limits were not exercised");
        Assert.Equal(generator.ModelDimensions, loop.Dimensions);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(ours[i].Vector.ToArray(), await loop.VectorAsync(i));
        }
    }
}
