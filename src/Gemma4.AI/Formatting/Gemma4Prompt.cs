namespace Gemma4.AI.Formatting;

/// <summary>A rendered prompt together with which of its characters are template text and which are content.</summary>
/// <remarks>
/// The tokenizer parses control tokens (such as <c>&lt;|turn&gt;</c>) only inside template segments, so text a user
/// wrote can never forge a turn or a tool call.
/// </remarks>
internal sealed class Gemma4Prompt
{
    public Gemma4Prompt(string text, IReadOnlyList<PromptSegment> segments)
    {
        Text = text;
        Segments = segments;
    }

    /// <summary>The whole prompt, exactly as the official chat template renders it.</summary>
    public string Text { get; }

    /// <summary>Consecutive, non-overlapping segments covering <see cref="Text"/>.</summary>
    public IReadOnlyList<PromptSegment> Segments { get; }

    /// <summary>The content behind each media placeholder of the prompt, in order (null where the part had none).</summary>
    public IReadOnlyList<Microsoft.Extensions.AI.AIContent?> Media { get; init; } = [];

    /// <summary>True when the prompt ends inside an open thought channel (the model continues thinking).</summary>
    public bool EndsInsideThought { get; init; }

    /// <summary>
    /// Where each rendered caller message starts, in order; an offset is a segment start unless the message continues a
    /// model turn with content. Tool results render inside the turn of the call they answer and a leading system
    /// message inside the system turn: those have no entry.
    /// </summary>
    public IReadOnlyList<PromptMessageStart> MessageStarts { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => Text;
}
