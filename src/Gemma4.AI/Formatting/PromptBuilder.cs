using System.Text;

namespace Gemma4.AI.Formatting;

/// <summary>Builds a <see cref="Gemma4Prompt"/>, remembering which text is template and which is content.</summary>
internal sealed class PromptBuilder
{
    private readonly StringBuilder _text = new();
    private readonly List<PromptSegment> _segments = [];
    private readonly List<Microsoft.Extensions.AI.AIContent?> _media = [];
    private readonly List<PromptMessageStart> _messageStarts = [];
    private bool _split;

    public int Length => _text.Length;

    /// <summary>Appends template text; control-token strings in it become control tokens.</summary>
    public PromptBuilder AppendTemplate(string text) => Append(text, isContent: false);

    /// <summary>Appends content; it is always tokenized as plain text, and a lone surrogate in it becomes U+FFFD.</summary>
    public PromptBuilder AppendContent(string text) => Append(Utf16.ReplaceLoneSurrogates(text), isContent: true);

    /// <summary>Appends a media placeholder (template text) and records the content it stands for, in prompt order.</summary>
    public PromptBuilder AppendMedia(string placeholder, Microsoft.Extensions.AI.AIContent? content)
    {
        _media.Add(content);
        return AppendTemplate(placeholder);
    }

    /// <summary>Appends content; it is always tokenized as plain text, and a lone surrogate in it becomes U+FFFD.</summary>
    public PromptBuilder AppendContent(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return this;
        }

        if (Utf16.IndexOfLoneSurrogate(text) >= 0)
        {
            return Append(Utf16.Replace(text), isContent: true);
        }

        Extend(text.Length, isContent: true);
        _text.Append(text);
        return this;
    }

    /// <summary>
    /// Records that the caller's message <paramref name="source"/> starts here. Template text after it opens a new
    /// segment, so a tokenizer can tell how many tokens came before it; content right after content stays in one
    /// segment (control-token text must not be forged across the two), so that start is only approximate.
    /// </summary>
    public PromptBuilder MarkMessageStart(int source)
    {
        if (source >= 0)
        {
            _messageStarts.Add(new PromptMessageStart(source, _text.Length));
            _split = true;
        }

        return this;
    }

    public Gemma4Prompt Build(bool endsInsideThought = false) =>
        new(_text.ToString(), _segments.ToArray()) { EndsInsideThought = endsInsideThought, MessageStarts = _messageStarts.ToArray(), Media = [.. _media] };

    public override string ToString() => _text.ToString();

    private PromptBuilder Append(string text, bool isContent)
    {
        if (string.IsNullOrEmpty(text))
        {
            return this;
        }

        Extend(text.Length, isContent);
        _text.Append(text);
        return this;
    }

    private void Extend(int length, bool isContent)
    {
        if (_segments.Count > 0 && _segments[^1].IsContent == isContent && (!_split || isContent))
        {
            var last = _segments[^1];
            _segments[^1] = last with { Length = last.Length + length };
        }
        else
        {
            _segments.Add(new PromptSegment(_text.Length, length, isContent));
            _split = false;
        }
    }
}
