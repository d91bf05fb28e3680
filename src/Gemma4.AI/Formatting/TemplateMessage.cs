namespace Gemma4.AI.Formatting;

/// <summary>One message as the chat template sees it (the dictionaries HF transformers passes as <c>messages</c>).</summary>
/// <param name="Role">The template role: system, developer, user, assistant, tool, or a custom name.</param>
internal sealed record TemplateMessage(string Role)
{
    /// <summary>The content: a string, or a parts list when the message carries media (<see cref="Parts"/>).</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>The content parts, in order; <see langword="null"/> when the content is the string <see cref="Text"/>.</summary>
    public IReadOnlyList<TemplatePart>? Parts { get; init; }

    /// <summary>The <c>reasoning</c> field of an assistant message.</summary>
    public string? Reasoning { get; init; }

    /// <summary>The <c>tool_calls</c> of an assistant message.</summary>
    public IReadOnlyList<TemplateToolCall>? ToolCalls { get; init; }

    /// <summary>The <c>tool_call_id</c> of a tool message.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>The content of a tool message, as a template value (string, number, bool, None, mapping or list).</summary>
    public object? ToolResult { get; init; }

    /// <summary>The index of the caller's message this one came from; -1 for the instructions.</summary>
    public int Source { get; init; } = -1;
}

/// <summary>A content part: <c>{type: text, text}</c> or a media placeholder <c>{type: image|audio|video}</c>.</summary>
/// <param name="Type">The part type.</param>
/// <param name="Text">The text of a text part.</param>
/// <param name="Content">The content a media part came from, so the rendered placeholder can be tied back to it.</param>
internal sealed record TemplatePart(string Type, string? Text = null, Microsoft.Extensions.AI.AIContent? Content = null);

/// <summary>A tool call: <c>{id, type: function, function: {name, arguments}}</c>; arguments is a mapping or None.</summary>
internal sealed record TemplateToolCall(string? Id, string Name, PyDict? Arguments);

/// <summary>A tool: <c>{type: function, function: {name, description, parameters}}</c>; parameters is any template value.</summary>
internal sealed record TemplateTool(string Name, string Description, object? Parameters);
