using Microsoft.Extensions.AI;

namespace Gemma4.AI.Remote;

/// <summary>Engines' finish reasons (OpenAI's <c>finish_reason</c>, Ollama's <c>done_reason</c>) to MEAI's.</summary>
internal static class RemoteFinishReasons
{
    /// <summary>The finish reason of a response that carried <paramref name="wire"/> and, when <paramref name="hadToolCalls"/>, tool calls.</summary>
    /// <remarks>
    /// A response with tool calls finishes with ToolCalls even when the engine says "stop" (Ollama always does, some
    /// llama-server versions too), unless it was cut by the token limit: then Length, as the local client reports.
    /// </remarks>
    public static ChatFinishReason? From(string? wire, bool hadToolCalls) => wire switch
    {
        _ when IsLength(wire) => ChatFinishReason.Length,
        _ when hadToolCalls => ChatFinishReason.ToolCalls,
        null or "" => null,
        "stop" or "eos" or "end_turn" or "stop_sequence" => ChatFinishReason.Stop,
        "tool_calls" or "function_call" or "tool_use" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(wire),
    };

    /// <summary>Whether the engine says the token limit ended the output.</summary>
    public static bool IsLength(string? wire) => wire is "length" or "max_tokens";
}
