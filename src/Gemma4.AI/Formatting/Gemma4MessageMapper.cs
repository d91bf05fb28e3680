using System.Text;
using Gemma4.AI.Multimodal;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Formatting;

/// <summary>Maps MEAI messages and options onto the template's message and tool dictionaries.</summary>
/// <remarks>The convention is documented on <see cref="Gemma4PromptFormatter"/>; the golden script applies the same one.</remarks>
internal static class Gemma4MessageMapper
{
    /// <summary>Whether the template's <c>enable_thinking</c> is on: a reasoning effort other than None is requested.</summary>
    public static bool IsThinkingEnabled(ChatOptions? options) =>
        options?.Reasoning?.Effort is { } effort && effort != ReasoningEffort.None;

    /// <summary>
    /// The template's <c>tools</c>: every <see cref="AIFunctionDeclaration"/> in <see cref="ChatOptions.Tools"/>, or none
    /// when <see cref="ChatOptions.ToolMode"/> is <see cref="ChatToolMode.None"/> (the model must not call them).
    /// </summary>
    /// <exception cref="ArgumentException">A function's name cannot round-trip through the call syntax (<see cref="Gemma4ToolName"/>), or two share one.</exception>
    public static List<TemplateTool> ToTemplateTools(ChatOptions? options)
    {
        if (options?.ToolMode is NoneChatToolMode || options?.Tools is not { Count: > 0 } tools)
        {
            return [];
        }

        Gemma4ToolName.Validate(tools);
        return tools.OfType<AIFunctionDeclaration>()
            .Select(f => new TemplateTool(f.Name, f.Description ?? string.Empty, Schema(f)))
            .ToList();
    }

    /// <summary>The template's <c>messages</c>.</summary>
    /// <exception cref="ArgumentException">A message is null.</exception>
    /// <exception cref="NotSupportedException">Call arguments or a result cannot be represented as JSON.</exception>
    public static List<TemplateMessage> ToTemplateMessages(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var result = new List<TemplateMessage>();
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            result.Add(new TemplateMessage("system") { Text = options.Instructions });
        }

        var index = 0;
        foreach (var message in messages)
        {
            if (message is null)
            {
                throw new ArgumentException($"The message list contains a null message at index {index}.", nameof(messages));
            }

            if (message.Role == ChatRole.Tool)
            {
                AddToolMessages(result, message, index);
            }
            else if (message.Role == ChatRole.Assistant)
            {
                result.Add(WithContent(new TemplateMessage("assistant") { Source = index }, message) with
                {
                    Reasoning = Concat(message.Contents.OfType<TextReasoningContent>().Select(r => r.Text)),
                    ToolCalls = ToToolCalls(message),
                });
            }
            else
            {
                result.Add(WithContent(new TemplateMessage(RoleName(message.Role)) { Source = index }, message));
            }

            index++;
        }

        return result;
    }

    private static object? Schema(AIFunctionDeclaration function)
    {
        try
        {
            return TemplateValueConverter.FromJson(function.JsonSchema);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new NotSupportedException($"The chat template cannot render the JSON schema of tool '{function.Name}': {ex.Message}", ex);
        }
    }

    private static string RoleName(ChatRole role) =>
        role == ChatRole.System ? "system" : role == ChatRole.User ? "user" : role.Value;

    // A text-only message has string content; one with image/audio/video gets a parts list, in order.
    private static TemplateMessage WithContent(TemplateMessage target, ChatMessage message)
    {
        if (!message.Contents.Any(c => MediaType(c) is not null))
        {
            return target with { Text = Concat(message.Contents.OfType<TextContent>().Select(t => t.Text)) ?? string.Empty };
        }

        var parts = new List<TemplatePart>();
        foreach (var content in message.Contents)
        {
            if (content is TextContent text)
            {
                parts.Add(new TemplatePart("text", text.Text ?? string.Empty));
            }
            else if (MediaType(content) is { } type)
            {
                parts.Add(new TemplatePart(type, Content: content));
            }
        }

        return target with { Parts = parts };
    }

    private static string? MediaType(AIContent content)
    {
        string? mediaType = content switch
        {
            DataContent data => data.MediaType,
            UriContent uri => uri.MediaType,
            _ => null,
        };
        if (mediaType is null)
        {
            return null;
        }

        // Normalized as the client checks and decodes it, so "Image/PNG" or " image/png" is an image here too.
        var normalized = MediaTypes.Normalize(mediaType);
        var topLevel = MediaTypes.TopLevel(normalized);
        return normalized.Length > topLevel.Length && topLevel is "image" or "audio" or "video" ? topLevel : null;
    }

    private static List<TemplateToolCall>? ToToolCalls(ChatMessage message)
    {
        var calls = message.Contents.OfType<FunctionCallContent>().Select(ToToolCall).ToList();
        return calls.Count > 0 ? calls : null;
    }

    private static TemplateToolCall ToToolCall(FunctionCallContent call)
    {
        if (call.Arguments is null)
        {
            return new TemplateToolCall(call.CallId, call.Name, null);
        }

        var arguments = new PyDict();
        foreach (var (key, value) in call.Arguments)
        {
            arguments[key] = Convert(value, $"argument '{key}' of function call '{call.Name}' (call id '{call.CallId}')");
        }

        return new TemplateToolCall(call.CallId, call.Name, arguments);
    }

    // Each FunctionResultContent becomes its own tool message; a tool message without results passes its text on.
    private static void AddToolMessages(List<TemplateMessage> result, ChatMessage message, int source)
    {
        var any = false;
        foreach (var functionResult in message.Contents.OfType<FunctionResultContent>())
        {
            any = true;
            result.Add(new TemplateMessage("tool")
            {
                Source = source,
                ToolCallId = functionResult.CallId,
                // A failed call may carry only its exception: the model should see the error, not a null result.
                ToolResult = Convert(
                    functionResult.Result ?? (functionResult.Exception is { } error ? $"Error: {error.Message}" : null),
                    $"the result of function call '{functionResult.CallId}'"),
            });
        }

        if (!any)
        {
            result.Add(new TemplateMessage("tool") { Source = source, ToolResult = Concat(message.Contents.OfType<TextContent>().Select(t => t.Text)) ?? string.Empty });
        }
    }

    private static object? Convert(object? value, string what)
    {
        try
        {
            return TemplateValueConverter.FromObject(value);
        }
        catch (Exception ex) when (ex is NotSupportedException or System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
        {
            throw new NotSupportedException($"The chat template cannot represent {what}: it does not serialize to JSON ({ex.Message}).", ex);
        }
    }

    private static string? Concat(IEnumerable<string?> texts)
    {
        StringBuilder? sb = null;
        foreach (var text in texts)
        {
            (sb ??= new()).Append(text);
        }

        return sb?.ToString();
    }
}
