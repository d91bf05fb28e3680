using Gemma4.AI.TestModels;

namespace Gemma4.AI.IntegrationTests.Support;

/// <summary>One loaded tiny random-weight Gemma 4 model shared by a test class (1 thread, as CI has 2 cores).</summary>
public sealed class TinyChatModel : IDisposable
{
    public TinyChatModel()
    {
        Path = TestModels.TestModels.Gemma4();
        Model = Gemma4Model.Load(Options(Path));
    }

    public string Path { get; }

    public Gemma4Model Model { get; }

    public static Gemma4ModelOptions Options(string path) => new()
    {
        ModelPath = path,
        ContextSize = 8192,
        Threads = 1,
        BatchThreads = 1,
        MaxParallelSequences = 8,
    };

    public void Dispose() => Model.Dispose();
}
