using Microsoft.Extensions.AI;

namespace Gemma4.AI.Parsing;

/// <summary>The kind of text content the parser emits.</summary>
internal enum ContentKind
{
    /// <summary>Answer text: <see cref="TextContent"/>.</summary>
    Text,

    /// <summary>Thought-channel text: <see cref="TextReasoningContent"/>.</summary>
    Reasoning,
}

/// <summary>Collects the contents found while scanning one piece of text, merging adjacent runs of the same kind.</summary>
/// <remarks>Runs are ranges of the scanned text, so a run costs one string at most; a run covering the whole piece
/// reuses the piece's string.</remarks>
internal ref struct ContentEmitter
{
    private readonly ReadOnlySpan<char> _text;
    private readonly string? _textString;
    private readonly ICollection<AIContent> _output;
    private ContentKind _runKind;
    private int _runStart;
    private int _runEnd;

    /// <summary>Creates an emitter for ranges of <paramref name="text"/>.</summary>
    /// <param name="text">The text being scanned.</param>
    /// <param name="textString"><paramref name="text"/> as a string, when it is one; lets a whole-text run reuse it.</param>
    /// <param name="output">Receives the contents.</param>
    public ContentEmitter(ReadOnlySpan<char> text, string? textString, ICollection<AIContent> output)
    {
        _text = text;
        _textString = textString;
        _output = output;
    }

    /// <summary>Whether a function call has been emitted.</summary>
    public bool EmittedCall { get; private set; }

    /// <summary>Emits <c>text[start..end]</c>, merged with the previous run when they touch.</summary>
    public void Add(ContentKind kind, int start, int end)
    {
        if (end <= start)
        {
            return;
        }

        if (_runEnd > _runStart && (kind != _runKind || start != _runEnd))
        {
            Flush();
        }

        if (_runEnd == _runStart)
        {
            _runKind = kind;
            _runStart = start;
        }

        _runEnd = end;
    }

    /// <summary>Emits text that is not a range of the scanned text.</summary>
    public void AddText(ContentKind kind, string text)
    {
        Flush();
        if (text.Length > 0)
        {
            _output.Add(Create(kind, text));
        }
    }

    /// <summary>Emits a complete tool call, or its text if it has no function name.</summary>
    /// <param name="raw">The call from <c>&lt;|tool_call&gt;</c> through <c>&lt;tool_call|&gt;</c>.</param>
    public void AddCall(ReadOnlySpan<char> raw)
    {
        var rawText = Unescape(raw.ToString());
        if (Gemma4ToolCallReader.Read(rawText) is { } call)
        {
            Flush();
            _output.Add(call);
            EmittedCall = true;
        }
        else
        {
            AddUnparsed(rawText);
        }
    }

    /// <summary>
    /// Emits tool-call markup that is not a call (cut off, or without a function name) as a bare <see cref="AIContent"/>
    /// whose <see cref="AIContent.RawRepresentation"/> is the text: never as answer text, as MEAI's OpenAI client does
    /// with output items it cannot map.
    /// </summary>
    public void AddUnparsed(ReadOnlySpan<char> raw)
    {
        Flush();
        if (!raw.IsEmpty)
        {
            _output.Add(new AIContent { RawRepresentation = Unescape(raw.ToString()) });
        }
    }

    /// <summary>Emits the pending run.</summary>
    public void Flush()
    {
        if (_runEnd == _runStart)
        {
            return;
        }

        var text = _textString is not null && _runStart == 0 && _runEnd == _textString.Length
            ? _textString
            : _text[_runStart.._runEnd].ToString();
        _output.Add(Create(_runKind, text));
        _runStart = _runEnd = 0;
    }

    private static AIContent Create(ContentKind kind, string text)
    {
        text = Unescape(text);
        return kind == ContentKind.Reasoning ? new TextReasoningContent(text) : new TextContent(text);
    }

    private static string Unescape(string text) => ScannerText.Decode(text);
}
