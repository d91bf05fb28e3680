namespace Gemma4.AI.Engine;

/// <summary>One step of a generation stream: new text, and on the last update why and how it ended.</summary>
internal readonly record struct GenerationUpdate(string Text, int TokenCount, StopReason? StopReason, int? StopToken, GenerationUsage Usage)
{
    public bool IsFinal => StopReason is not null;
}
