using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Gemma4.AspNet.OpenAI;

/// <summary>Streaming updates as OpenAI <c>chat.completion.chunk</c> objects (one per update, then a usage chunk).</summary>
internal sealed class ChatChunkWriter(string id, long created, string model)
{
    private bool _sentRole;
    private int _toolCalls;

    /// <summary>Writes the chunk for one update, or nothing when it carries nothing OpenAI clients read.</summary>
    public bool TryWrite(Utf8JsonWriter json, ChatResponseUpdate update)
    {
        var text = string.Concat(update.Contents.OfType<TextContent>().Select(t => t.Text));
        var reasoning = string.Concat(update.Contents.OfType<TextReasoningContent>().Select(t => t.Text));
        var calls = update.Contents.OfType<FunctionCallContent>().ToList();
        var finish = FinishReasons.ToWire(update.FinishReason);
        if (_sentRole && text.Length == 0 && reasoning.Length == 0 && calls.Count == 0 && finish is null)
        {
            return false;
        }

        Start(json);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        json.WriteStartObject("delta");
        if (!_sentRole)
        {
            json.WriteString("role", "assistant");
            _sentRole = true;
        }

        if (text.Length > 0)
        {
            json.WriteString("content", text);
        }

        if (reasoning.Length > 0)
        {
            json.WriteString("reasoning_content", reasoning);
        }

        if (calls.Count > 0)
        {
            // Gemma4ChatClient emits each call whole, so each goes out in one delta with its complete arguments.
            WireJson.WriteToolCalls(json, calls, withIndex: true, _toolCalls);
            _toolCalls += calls.Count;
        }

        json.WriteEndObject();
        json.WriteNull("logprobs");
        json.WriteString("finish_reason", finish);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        return true;
    }

    /// <summary>The final chunk of <c>stream_options.include_usage</c>: no choices, only usage.</summary>
    public void WriteUsage(Utf8JsonWriter json, UsageDetails usage)
    {
        Start(json);
        json.WriteStartArray("choices");
        json.WriteEndArray();
        WireJson.WriteUsage(json, usage);
        json.WriteEndObject();
    }

    private void Start(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", "chat.completion.chunk");
        json.WriteNumber("created", created);
        json.WriteString("model", model);
    }
}
