using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Gemma4.AspNet.OpenAI;

/// <summary>
/// OpenAI messages to MEAI messages: system/developer, user (text, images and audio: <see cref="MediaParts"/>), assistant
/// (with tool_calls) and tool results; one MEAI message per request message, so message indexes stay the request's.
/// </summary>
internal static class ChatMessageMapper
{
    public static async Task<List<ChatMessage>> ToChatMessagesAsync(IReadOnlyList<WireMessage?>? messages, MediaParts media, CancellationToken cancellationToken)
    {
        if (messages is null || messages.Count == 0)
        {
            throw new OpenAIRequestException("'messages' must hold at least one message.", "messages");
        }

        var result = new List<ChatMessage>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            var param = $"messages[{i}]";
            if (m is null)
            {
                throw new OpenAIRequestException("A message must be an object with a role.", param);
            }

            result.Add(m.Role switch
            {
                "system" or "developer" => new ChatMessage(ChatRole.System, Text(m.Content, param)),
                "user" when MediaParts.HasMedia(m.Content) => new ChatMessage(ChatRole.User, await media.MapAsync(m.Content!.Value, param + ".content", cancellationToken)),
                "user" => new ChatMessage(ChatRole.User, Text(m.Content, param)),
                "assistant" => Assistant(m, param),
                "tool" => Tool(m, param),
                _ => throw new OpenAIRequestException($"Unknown role '{m.Role}' (expected system, developer, user, assistant or tool).", param + ".role"),
            });
        }

        return result;
    }

    private static ChatMessage Assistant(WireMessage m, string param)
    {
        var contents = new List<AIContent>();
        if ((m.ReasoningContent ?? m.Reasoning) is { Length: > 0 } reasoning)
        {
            contents.Add(new TextReasoningContent(reasoning));
        }

        if (Text(m.Content, param) is { Length: > 0 } text)
        {
            contents.Add(new TextContent(text));
        }

        foreach (var (call, j) in (m.ToolCalls ?? []).Select((c, j) => (c, j)))
        {
            var callParam = $"{param}.tool_calls[{j}]";
            if (call?.Function?.Name is not { Length: > 0 } name || call.Id is not { Length: > 0 } id)
            {
                throw new OpenAIRequestException("A tool call needs an id and a function name.", callParam);
            }

            contents.Add(new FunctionCallContent(id, name, Arguments(call.Function.Arguments, callParam)));
        }

        return new ChatMessage(ChatRole.Assistant, contents);
    }

    private static ChatMessage Tool(WireMessage m, string param)
    {
        if (m.ToolCallId is not { Length: > 0 } id)
        {
            throw new OpenAIRequestException("A tool message needs the tool_call_id it answers.", param + ".tool_call_id");
        }

        // A JSON result keeps its structure in the Gemma prompt; anything else (including JSON whose strings are not
        // valid Unicode) stays the text it is.
        var text = Text(m.Content, param);
        object? result = text;
        if (text.Length > 0 && text[0] is '{' or '[' && TryParse(text) is { } json)
        {
            using (json)
            {
                if (WireText.Find(json.RootElement, null) is null)
                {
                    result = json.RootElement.Clone();
                }
            }
        }

        return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(id, result)]);
    }

    /// <summary>Tool call arguments: a JSON object as text (OpenAI's wire form), or empty for none.</summary>
    private static Dictionary<string, object?> Arguments(string? text, string param)
    {
        var field = param + ".function.arguments";
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        using var json = TryParse(text) ?? throw new OpenAIRequestException("Tool call arguments must be a JSON object; this text is not valid JSON.", field);
        if (json.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAIRequestException($"Tool call arguments must be a JSON object; got {WireBody.Describe(json.RootElement.ValueKind)}.", field);
        }

        WireText.EnsureValid(json.RootElement, field);
        return json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal);
    }

    private static JsonDocument? TryParse(string text)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A string, null, or an array of text parts (images and audio are taken in user messages only, by <see cref="MediaParts"/>).</summary>
    private static string Text(JsonElement? content, string param)
    {
        var field = param + ".content";
        if (content is not { } c || c.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return string.Empty;
        }

        if (c.ValueKind == JsonValueKind.String)
        {
            return c.GetString()!;
        }

        if (c.ValueKind != JsonValueKind.Array)
        {
            throw new OpenAIRequestException($"'content' must be a string or an array of parts; got {WireBody.Describe(c.ValueKind)}.", field);
        }

        var parts = new List<string>();
        foreach (var part in c.EnumerateArray())
        {
            var partParam = WirePath.Index(field, parts.Count);
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw new OpenAIRequestException("Each content part must be an object with a string 'type'.", partParam);
            }

            if (type.GetString() != "text")
            {
                throw MediaParts.IsMediaType(type.GetString())
                    ? new OpenAIRequestException($"Content parts of type '{type.GetString()}' are taken in user messages only.", partParam + ".type")
                    : MediaParts.Unsupported(type.GetString(), partParam);
            }

            if (!part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw new OpenAIRequestException("A text part needs a string 'text'.", partParam + ".text");
            }

            parts.Add(text.GetString()!);
        }

        return string.Join("\n", parts);
    }
}
