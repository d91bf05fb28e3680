using Microsoft.Extensions.AI;

namespace Gemma4.AspNet.OpenAI;

/// <summary>MEAI finish reasons to OpenAI's strings.</summary>
internal static class FinishReasons
{
    public static string? ToWire(ChatFinishReason? reason) =>
        reason is null ? null
        : reason == ChatFinishReason.Stop ? "stop"
        : reason == ChatFinishReason.Length ? "length"
        : reason == ChatFinishReason.ToolCalls ? "tool_calls"
        : reason == ChatFinishReason.ContentFilter ? "content_filter"
        : reason.Value.Value;
}
