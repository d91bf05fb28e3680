using Gemma4.AI.TestModels;

namespace Gemma4.AI.IntegrationTests.Remote;

/// <summary>
/// The models the ASP.NET sample's --demo serves, loaded in this process with the demo's settings, so an answer through
/// the sample (remote) can be compared with the same request answered in-process.
/// </summary>
public sealed class DemoModels : IDisposable
{
    public DemoModels()
    {
        Chat = Gemma4Model.Load(new Gemma4ModelOptions { ModelPath = TestModels.TestModels.Gemma4(), ContextSize = 4096, Threads = 1, MaxParallelSequences = 4 });
        Embeddings = Gemma4Model.Load(new Gemma4ModelOptions { ModelPath = TestModels.TestModels.GemmaEmbedding(), Threads = 1 });
    }

    public Gemma4Model Chat { get; }

    public Gemma4Model Embeddings { get; }

    public void Dispose()
    {
        Chat.Dispose();
        Embeddings.Dispose();
    }
}
