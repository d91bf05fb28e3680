using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Gemma4.AspNet.OpenAI;

/// <summary>A whole <see cref="ChatResponse"/> as an OpenAI <c>chat.completion</c> object.</summary>
internal static class ChatCompletionWriter
{
    public static void Write(Utf8JsonWriter json, ChatResponse response, string model)
    {
        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        var text = string.Concat(contents.OfType<TextContent>().Select(t => t.Text));
        var reasoning = string.Concat(contents.OfType<TextReasoningContent>().Select(t => t.Text));
        var calls = contents.OfType<FunctionCallContent>().ToList();

        json.WriteStartObject();
        json.WriteString("id", response.ResponseId ?? "chatcmpl-" + Guid.NewGuid().ToString("N"));
        json.WriteString("object", "chat.completion");
        json.WriteNumber("created", (response.CreatedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds());
        json.WriteString("model", response.ModelId ?? model);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        json.WriteStartObject("message");
        json.WriteString("role", "assistant");
        if (text.Length > 0 || calls.Count == 0)
        {
            json.WriteString("content", text);
        }
        else
        {
            json.WriteNull("content");
        }

        if (reasoning.Length > 0)
        {
            json.WriteString("reasoning_content", reasoning); // llama.cpp's server uses the same field
        }

        if (calls.Count > 0)
        {
            WireJson.WriteToolCalls(json, calls, withIndex: false);
        }

        json.WriteEndObject();
        json.WriteNull("logprobs");
        json.WriteString("finish_reason", FinishReasons.ToWire(response.FinishReason) ?? "stop");
        json.WriteEndObject();
        json.WriteEndArray();
        WireJson.WriteUsage(json, response.Usage ?? new UsageDetails());
        json.WriteEndObject();
    }
}
