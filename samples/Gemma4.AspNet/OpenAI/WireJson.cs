using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Gemma4.AspNet.OpenAI;

/// <summary>The pieces both chat response shapes share: usage and tool calls.</summary>
internal static class WireJson
{
    /// <summary>Bodies are JSON, never HTML: write quotes as \" and non-ASCII text as it is, as OpenAI does.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // MEAI's defaults indent; OpenAI sends arguments compact.
    private static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions)
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void WriteUsage(Utf8JsonWriter json, UsageDetails usage)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", usage.InputTokenCount ?? 0);
        json.WriteNumber("completion_tokens", usage.OutputTokenCount ?? 0);
        json.WriteNumber("total_tokens", usage.TotalTokenCount ?? (usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0));
        json.WriteStartObject("prompt_tokens_details");
        json.WriteNumber("cached_tokens", usage.CachedInputTokenCount ?? 0);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>Tool calls with their arguments as JSON text; <paramref name="withIndex"/> for stream deltas.</summary>
    public static void WriteToolCalls(Utf8JsonWriter json, IReadOnlyList<FunctionCallContent> calls, bool withIndex, int firstIndex = 0)
    {
        json.WriteStartArray("tool_calls");
        for (var i = 0; i < calls.Count; i++)
        {
            json.WriteStartObject();
            if (withIndex)
            {
                json.WriteNumber("index", firstIndex + i);
            }

            json.WriteString("id", calls[i].CallId);
            json.WriteString("type", "function");
            json.WriteStartObject("function");
            json.WriteString("name", calls[i].Name);
            json.WriteString("arguments", JsonSerializer.Serialize(calls[i].Arguments ?? new Dictionary<string, object?>(), Compact));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
