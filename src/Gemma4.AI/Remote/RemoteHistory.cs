using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Remote;

/// <summary>What every dialect reads from the conversation the same way: which reasoning goes back, tool names, result text.</summary>
internal static class RemoteHistory
{
    /// <summary>
    /// The wire messages of a conversation, walked the same way for every engine: Instructions as a first system
    /// message, one tool message per result, and assistant messages with the reasoning the template keeps (null when
    /// none goes back); <paramref name="writer"/> shapes each message in the engine's format.
    /// </summary>
    /// <exception cref="ArgumentException">A message is null.</exception>
    public static JsonArray ToWireMessages(IReadOnlyList<ChatMessage> messages, ChatOptions? options, bool preserveThinking, RemoteMessageWriter writer)
    {
        var result = new JsonArray();
        if (options?.Instructions is { Length: > 0 } instructions)
        {
            result.Add(new JsonObject { ["role"] = "system", ["content"] = instructions });
        }

        var lastUser = LastUserIndex(messages);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw new ArgumentException($"The message list contains a null message at index {i}.", nameof(messages));
            if (message.Role == ChatRole.Tool)
            {
                var any = false;
                foreach (var functionResult in message.Contents.OfType<FunctionResultContent>())
                {
                    any = true;
                    result.Add(writer.ToolResult(messages, i, functionResult));
                }

                if (!any)
                {
                    result.Add(new JsonObject { ["role"] = "tool", ["content"] = Text(message) ?? string.Empty });
                }
            }
            else if (message.Role == ChatRole.Assistant)
            {
                result.Add(writer.Assistant(message, KeepsReasoning(messages, i, lastUser, preserveThinking) ? Reasoning(message) : null));
            }
            else
            {
                result.Add(writer.Other(message));
            }
        }

        return result;
    }

    /// <summary>
    /// Whether the reasoning of the assistant message at <paramref name="index"/> is sent back, as the official template
    /// (and so <see cref="Gemma4ChatClient"/>) renders it: for assistant messages after the last user message (the current
    /// tool loop), and for tool-calling ones anywhere when <paramref name="preserveThinking"/> is on.
    /// </summary>
    public static bool KeepsReasoning(IReadOnlyList<ChatMessage> messages, int index, int lastUserIndex, bool preserveThinking) =>
        index > lastUserIndex || (preserveThinking && messages[index].Contents.Any(static c => c is FunctionCallContent));

    /// <summary>The index of the last user message; -1 when there is none.</summary>
    public static int LastUserIndex(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.User)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The message's reasoning texts, concatenated; null when it has none.</summary>
    public static string? Reasoning(ChatMessage message) => Concat(message.Contents.OfType<TextReasoningContent>().Select(static r => r.Text));

    /// <summary>The message's answer texts, concatenated; null when it has none.</summary>
    public static string? Text(ChatMessage message) => Concat(message.Contents.OfType<TextContent>().Select(static t => t.Text));

    /// <summary>A tool result as the text engines expect in a tool message (JSON for anything but a string).</summary>
    public static string ResultText(FunctionResultContent result)
    {
        // A failed call may carry only its exception: the model should see the error, not "null" (as the local client does).
        var value = result.Result ?? (result.Exception is { } error ? $"Error: {error.Message}" : null);
        return value switch
        {
            null => "null",
            string s => s,
            // GetString throws on an escaped lone surrogate (what FunctionInvokingChatClient hands back for a string
            // holding one): keep it, for the JSON writer to send as U+FFFD, as in-process.
            JsonElement { ValueKind: JsonValueKind.String } s => Formatting.Utf16.GetString(s),
            _ => JsonSerializer.Serialize(value, RemoteJson.WriteOptions.GetTypeInfo(value.GetType())),
        };
    }

    /// <summary>The function name of the call a result answers, looked up in the assistant messages before it.</summary>
    public static string? CallName(IReadOnlyList<ChatMessage> messages, int before, string callId)
    {
        for (var i = before - 1; i >= 0; i--)
        {
            foreach (var call in messages[i].Contents.OfType<FunctionCallContent>())
            {
                if (call.CallId == callId)
                {
                    return call.Name;
                }
            }
        }

        return null;
    }

    /// <summary>"image", "audio" or null, from a content's media type.</summary>
    public static string? MediaKind(AIContent content)
    {
        var mediaType = content switch
        {
            DataContent data => data.MediaType,
            UriContent uri => uri.MediaType,
            _ => null,
        };
        return mediaType is null ? null
            : mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? "image"
            : mediaType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase) ? "audio"
            : throw new NotSupportedException($"Content of media type '{mediaType}' cannot be sent to a remote Gemma 4 engine; send images or audio.");
    }

    /// <summary>The audio format OpenAI's <c>input_audio</c> names (wav, mp3, …) for a media type.</summary>
    public static string AudioFormat(string mediaType)
    {
        var subtype = mediaType[(mediaType.IndexOf('/', StringComparison.Ordinal) + 1)..].ToLowerInvariant();
        return subtype switch
        {
            "mpeg" or "mp3" => "mp3",
            "x-wav" or "wave" or "vnd.wave" => "wav",
            "x-flac" => "flac",
            _ => subtype,
        };
    }

    private static string? Concat(IEnumerable<string?> texts)
    {
        StringBuilder? sb = null;
        foreach (var text in texts)
        {
            if (!string.IsNullOrEmpty(text))
            {
                (sb ??= new()).Append(text);
            }
        }

        return sb?.ToString();
    }
}

/// <summary>How one engine shapes each kind of message; <see cref="RemoteHistory.ToWireMessages"/> walks the conversation.</summary>
/// <param name="Assistant">An assistant message and the reasoning that goes back with it (null: none).</param>
/// <param name="ToolResult">One function result; the conversation and the tool message's index let it find the call's name.</param>
/// <param name="Other">A system, user or other message.</param>
internal sealed record RemoteMessageWriter(
    Func<ChatMessage, string?, JsonObject> Assistant,
    Func<IReadOnlyList<ChatMessage>, int, FunctionResultContent, JsonObject> ToolResult,
    Func<ChatMessage, JsonObject> Other);
