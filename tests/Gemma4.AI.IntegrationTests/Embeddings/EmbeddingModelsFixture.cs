namespace Gemma4.AI.IntegrationTests.Embeddings;

/// <summary>The two generated models embeddings are tested on, loaded once per test class (1 thread, memory-mapped).</summary>
public sealed class EmbeddingModelsFixture : IDisposable
{
    public const string EmbeddingGemma = "gemma-embedding";
    public const string Gemma4 = "gemma4";

    public EmbeddingModelsFixture()
    {
        EmbeddingModel = Load(TestModels.TestModels.GemmaEmbedding());
        Gemma4Model = Load(TestModels.TestModels.Gemma4());
    }

    public Gemma4Model EmbeddingModel { get; }

    public Gemma4Model Gemma4Model { get; }

    public static TheoryData<string> Kinds => [EmbeddingGemma, Gemma4];

    public Gemma4Model Model(string kind) => kind == EmbeddingGemma ? EmbeddingModel : Gemma4Model;

    /// <summary>A generator with test-friendly settings (1 thread); <paramref name="configure"/> changes the rest.</summary>
    public Gemma4EmbeddingGenerator Generator(string kind, Action<Gemma4EmbeddingGeneratorOptions>? configure = null)
    {
        var options = new Gemma4EmbeddingGeneratorOptions { Threads = 1, BatchSize = 512 };
        configure?.Invoke(options);
        return new Gemma4EmbeddingGenerator(Model(kind), options);
    }

    public static Gemma4Model Load(string path) => Gemma4Model.Load(new Gemma4ModelOptions
    {
        ModelPath = path,
        Threads = 1,
        BatchThreads = 1,
        ContextSize = 256,
        BatchSize = 256,
        MicroBatchSize = 256,
        MaxParallelSequences = 2,
        UseMemoryMap = true,
    });

    public void Dispose()
    {
        EmbeddingModel.Dispose();
        Gemma4Model.Dispose();
    }
}
