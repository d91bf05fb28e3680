namespace Gemma4.AI.Engine;

/// <summary>One step of a generation stream: new text, and on the last update why and how it ended.</summary>
/// <param name="Text">Text that became safe to emit (complete UTF-8, not part of a possible stop sequence).</param>
/// <param name="Token">The token sampled at this step, or -1 on the final update.</param>
/// <param name="StopReason">Set on the final update only.</param>
/// <param name="StopToken">The end-of-generation token that ended the stream, if any.</param>
/// <param name="Usage">Counts and timings, on the final update.</param>
internal readonly record struct GenerationUpdate(string Text, int Token, StopReason? StopReason, int? StopToken, GenerationUsage Usage)
{
    public bool IsFinal => StopReason is not null;

    /// <summary>True when <see cref="Text"/> is a special (control or user-defined) token's text, such as <c>&lt;|tool_call&gt;</c>.</summary>
    public bool IsSpecial { get; init; }
}
