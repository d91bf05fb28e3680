using Gemma4.AI;

namespace Gemma4.AspNet.OpenAI;

/// <summary>
/// The one place that decides what an exception means to an OpenAI client: a 4xx naming the request field it blames
/// (the client must fix the request and not retry), a 503 to retry later, or nothing (a bug: logged, answered 500).
/// Add a type here when a new feature can throw one for a bad request.
/// </summary>
internal static class OpenAIExceptionMap
{
    // Gemma4.AI names settings by their ChatOptions property; the wire field is what the client sent.
    private static readonly Dictionary<string, string> WireParams = new(StringComparer.Ordinal)
    {
        ["Temperature"] = "temperature",
        ["TopP"] = "top_p",
        ["TopK"] = "top_k",
        ["FrequencyPenalty"] = "frequency_penalty",
        ["PresencePenalty"] = "presence_penalty",
        ["MaxOutputTokens"] = "max_tokens",
        ["tools"] = "tools",
        ["messages"] = "messages",
    };

    /// <summary>The error for <paramref name="exception"/>, or null when it is not the request's fault.</summary>
    public static OpenAIError? Classify(Exception exception) => exception switch
    {
        OpenAIRequestException r => new(r.StatusCode, r.Message, r.Param, r.Code),
        Gemma4ContextOverflowException => new(400, exception.Message, "messages", "context_length_exceeded"),
        Gemma4EmbeddingInputTooLongException => new(400, exception.Message, "input", "context_length_exceeded"),
        Gemma4QueueFullException => new(503, exception.Message, null, "server_overloaded"), // QueueFullBehavior = Throw
        // An image or clip the decoders refused (empty, corrupt, truncated, mislabelled, too large): ChatMessageMapper keeps
        // message i and content part j at the same indexes, and makes images only of image_url and audio of input_audio parts.
        Gemma4MediaException m => new(400, MessageOf(m), MediaParam(m), "invalid_media"),
        // Gemma4.AI checks what a request asks for when the call is made: a value out of range, tool_choice "required"
        // without tools, duplicate tool names, a tool name that cannot round-trip through Gemma's call syntax.
        ArgumentException a => new(400, MessageOf(a), a.ParamName is { } name && WireParams.TryGetValue(name, out var wire) ? wire : null),
        // What the model's template or grammar cannot express: JSON Schema features it cannot enforce (pattern,
        // minItems over 1000), values the template cannot render; media of a type the decoders do not read.
        NotSupportedException => new(400, exception.Message),
        _ => null,
    };

    private static string? MediaParam(Gemma4MediaException m) =>
        m.MessageIndex < 0 || m.ContentIndex < 0 ? "messages"
        : $"messages[{m.MessageIndex}].content[{m.ContentIndex}].{(m.MediaType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase) ? "input_audio.data" : "image_url.url")}";

    // ArgumentException.Message appends " (Parameter 'x')" and ArgumentOutOfRangeException "Actual value was …":
    // the library's own text already names the setting and value.
    private static string MessageOf(ArgumentException exception)
    {
        var message = exception.Message.Split('\n', 2)[0];
        var suffix = $" (Parameter '{exception.ParamName}')";
        return exception.ParamName is not null && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }
}
