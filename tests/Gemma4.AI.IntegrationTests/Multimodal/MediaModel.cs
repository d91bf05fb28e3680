using Gemma4.AI.TestModels;

namespace Gemma4.AI.IntegrationTests.Multimodal;

/// <summary>The default tiny model with the default (vision and audio) projector, shared by a test class.</summary>
public sealed class MediaModel : IDisposable
{
    public MediaModel()
    {
        Model = Gemma4Model.Load(Options());
    }

    public Gemma4Model Model { get; }

    public static Gemma4ModelOptions Options(TinyProjectorSpec? projector = null) => new()
    {
        ModelPath = TestModels.TestModels.Gemma4(),
        ProjectorPath = TestModels.TestModels.Projector(projector),
        ContextSize = 8192,
        Threads = 1,
        BatchThreads = 1,
        MaxParallelSequences = 8,
    };

    public void Dispose() => Model.Dispose();
}
