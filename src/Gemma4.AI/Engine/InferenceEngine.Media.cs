namespace Gemma4.AI.Engine;

/// <summary>Images and audio in the decode loop.</summary>
internal sealed partial class InferenceEngine
{
    private MediaProjector? _projector;

    /// <summary>Gives the engine the model's projector; called once, before the first request.</summary>
    public void AttachProjector(MediaProjector projector) => _projector = projector;
}
