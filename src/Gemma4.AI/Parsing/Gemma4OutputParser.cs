using Gemma4.AI.Formatting;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Parsing;

/// <summary>
/// Turns the text a Gemma 4 model writes in its turn (after <c>&lt;|turn&gt;model\n</c>) into answer text, reasoning and
/// tool calls, either all at once (<see cref="Parse"/>) or piece by piece as tokens are decoded
/// (<see cref="Append(string, ICollection{AIContent})"/>, then <see cref="Complete"/>).
/// </summary>
/// <remarks>
/// <para>What it emits:</para>
/// <list type="bullet">
/// <item><see cref="TextContent"/> for answer text and <see cref="TextReasoningContent"/> for the thought channel
/// (<c>&lt;|channel&gt;thought\n…&lt;channel|&gt;</c>), as deltas, as soon as they cannot be the start of a marker.
/// Text is emitted exactly as the model wrote it, whitespace included; only the channel syntax is removed: the
/// <c>thought\n</c> header and one <c>\n</c> right before <c>&lt;channel|&gt;</c>, because the template writes
/// reasoning as <c>&lt;|channel&gt;thought\n{reasoning}\n&lt;channel|&gt;</c>. An empty channel yields nothing. Text
/// around and between tool calls (a newline, say) is answer text too; trimming it is the caller's choice. A
/// newline in reasoning is held until the next piece shows whether <c>&lt;channel|&gt;</c> follows it.</item>
/// <item>One complete <see cref="FunctionCallContent"/> per <c>&lt;|tool_call&gt;call:NAME{…}&lt;tool_call|&gt;</c>, when its
/// closing marker arrives (a call opened inside a thought closes the thought). Arguments are
/// <see cref="System.Text.Json.JsonElement"/>s, the call id is <c>call_</c> plus 24 random hex digits, and
/// <see cref="AIContent.RawRepresentation"/> is the call's text, markers included. Inside a <c>&lt;|"|&gt;</c> string,
/// marker text is part of the string.</item>
/// </list>
/// <para>Control markers are never emitted as text: those without meaning here are dropped, and
/// <c>&lt;|tool_response&gt;</c>, <c>&lt;turn|&gt;</c>, <c>&lt;|turn&gt;</c> and <c>&lt;eos&gt;</c> end the turn (later text is
/// ignored). Malformed output never throws. A call that is still open at the end (cut off by the token limit: the
/// chat client then finishes with <see cref="ChatFinishReason.Length"/>), or that the end of the turn cuts off, or
/// that has no readable function name, is neither text nor a call: it is emitted as a plain <see cref="AIContent"/>
/// whose <see cref="AIContent.RawRepresentation"/> is the call's text as the model wrote it (markers included, the
/// ending marker excluded), as OpenAI's API drops an unfinished call from the message and MEAI's OpenAI client keeps
/// output it cannot map. <c>ChatResponse.Text</c> and function invocation ignore it. A call whose arguments cannot be
/// read gets <see cref="FunctionCallContent.Exception"/> set, with the arguments read before the error.</para>
/// <para>An instance holds the state of one turn and is not thread-safe; <see cref="Parse"/> may be called
/// concurrently.</para>
/// </remarks>
internal sealed class Gemma4OutputParser
{
    // The channel header the template writes; "thought" alone is a header without its newline.
    private const string ThoughtHeader = "thought\n";
    private const int ThoughtNameLength = 7;

    private State _state;

    // Text that arrived but is not decided yet: a possible marker prefix (at most a marker's length), or, while
    // in a tool call, the whole call from its <|tool_call>.
    private char[] _pending = [];
    private int _pendingLength;

    // ChannelHeader: how many characters of ThoughtHeader have been matched.
    private int _headerMatched;

    // ToolCall: how far the call has been scanned (from its start), and whether the scan is inside a <|"|> string.
    private int _callScanned;
    private bool _callInString;

    /// <summary>Creates a parser for one model turn.</summary>
    /// <param name="startsInsideThought">True when the prompt ended inside an open thought channel
    /// (<c>&lt;|channel&gt;thought\n</c>), so the output starts with reasoning.</param>
    public Gemma4OutputParser(bool startsInsideThought = false) =>
        _state = startsInsideThought ? State.Thought : State.Text;

    private enum State
    {
        Text,
        ChannelHeader,
        Thought,
        ToolCall,
        Done,
    }

    /// <summary>Whether a <see cref="FunctionCallContent"/> has been emitted, so the turn finished with tool calls.</summary>
    public bool HasToolCalls { get; private set; }

    /// <summary>Parses a whole model turn.</summary>
    /// <param name="modelTurn">The text the model wrote after the prompt.</param>
    /// <param name="startsInsideThought">True when the prompt ended inside an open thought channel.</param>
    /// <returns>The contents, in order; adjacent text of the same kind is merged.</returns>
    public static IReadOnlyList<AIContent> Parse(string modelTurn, bool startsInsideThought = false)
    {
        ArgumentNullException.ThrowIfNull(modelTurn);
        var output = new List<AIContent>();
        var text = ScannerText.Encode(modelTurn, lessThan: false);
        new Gemma4OutputParser(startsInsideThought).End(text, text, output);
        return output;
    }

    /// <summary>Adds the next piece of model output and emits the contents it completes.</summary>
    /// <param name="piece">The newly decoded text.</param>
    /// <param name="output">Receives the new contents, in order.</param>
    public void Append(string piece, ICollection<AIContent> output)
    {
        ArgumentNullException.ThrowIfNull(piece);
        ArgumentNullException.ThrowIfNull(output);
        piece = ScannerText.Encode(piece, lessThan: false);
        Process(piece, piece, output, final: false);
    }

    /// <summary>
    /// Adds one decoded token when the caller knows whether it is a special token: only special tokens can be markers,
    /// so marker text the model spelled with ordinary tokens (a user's document quoting <c>&lt;turn|&gt;</c>, say) stays text.
    /// </summary>
    /// <param name="piece">The token's text (a special token's text is its marker, e.g. <c>&lt;|tool_call&gt;</c>).</param>
    /// <param name="isSpecialToken">True for llama.cpp control and user-defined tokens.</param>
    /// <param name="output">Receives the new contents, in order.</param>
    /// <remarks>Ordinary text reaches the scanner with each '&lt;' escaped (<see cref="ScannerText"/>), so it cannot start a
    /// marker; every character comes back out exactly, U+FDD0 included.</remarks>
    public void AppendToken(string piece, bool isSpecialToken, ICollection<AIContent> output)
    {
        ArgumentNullException.ThrowIfNull(piece);
        ArgumentNullException.ThrowIfNull(output);
        if (!isSpecialToken)
        {
            piece = ScannerText.Encode(piece, lessThan: true);
        }

        Process(piece, piece, output, final: false);
    }

    /// <summary>Adds the next piece of model output and emits the contents it completes.</summary>
    /// <param name="piece">The newly decoded text.</param>
    /// <param name="output">Receives the new contents, in order.</param>
    public void Append(ReadOnlySpan<char> piece, ICollection<AIContent> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (ScannerText.HasEscape(piece))
        {
            Append(piece.ToString(), output); // rare: a U+FDD0 the model wrote must be escaped, which needs a copy
            return;
        }

        Process(piece, null, output, final: false);
    }

    /// <summary>Ends the turn: emits whatever text was held back, and any unfinished tool call as a plain
    /// <see cref="AIContent"/> holding its raw text. Later input is ignored.</summary>
    /// <param name="output">Receives the last contents, in order.</param>
    public void Complete(ICollection<AIContent> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        End([], null, output);
    }

    // Processes the last text as final (nothing is held back), then forgets everything.
    private void End(ReadOnlySpan<char> last, string? lastString, ICollection<AIContent> output)
    {
        Process(last, lastString, output, final: true);
        _state = State.Done;
        _pending = [];
        _pendingLength = 0;
    }

    private void Process(ReadOnlySpan<char> piece, string? pieceString, ICollection<AIContent> output, bool final)
    {
        if (_state == State.Done)
        {
            return;
        }

        ReadOnlySpan<char> text = piece;
        if (_pendingLength > 0)
        {
            AppendPending(piece);
            text = _pending.AsSpan(0, _pendingLength);
            pieceString = null;
        }

        var emitter = new ContentEmitter(text, pieceString, output);
        var consumed = Scan(text, final, ref emitter);
        emitter.Flush();
        HasToolCalls |= emitter.EmittedCall;

        // Keep what is undecided; the copy may overlap when text is _pending (CopyTo handles that).
        var rest = text[consumed..];
        if (rest.Length > 0 && _pendingLength == 0)
        {
            AppendPending(rest);
        }
        else
        {
            rest.CopyTo(_pending);
            _pendingLength = rest.Length;
        }
    }

    // Scans text, emitting what is decided; returns how much of text is consumed (the rest is kept for later).
    private int Scan(ReadOnlySpan<char> text, bool final, ref ContentEmitter emit)
    {
        var i = 0;
        var callStart = 0; // where the open tool call starts in text; a call kept from before starts at 0
        while (true)
        {
            switch (_state)
            {
                case State.Text or State.Thought:
                    {
                        var kind = _state == State.Thought ? ContentKind.Reasoning : ContentKind.Text;

                        // Only '<' (any marker) and, in a thought, '\n' (before <channel|>) can start syntax.
                        var next = kind == ContentKind.Reasoning ? text[i..].IndexOfAny('<', '\n') : text[i..].IndexOf('<');
                        if (next < 0)
                        {
                            var end = text.Length;

                            // Don't split a surrogate pair between two deltas: its second half is in the next piece.
                            if (!final && end > i && char.IsHighSurrogate(text[end - 1]))
                            {
                                end--;
                            }

                            emit.Add(kind, i, end);
                            return end;
                        }

                        emit.Add(kind, i, i + next);
                        i += next;
                        MarkerKind marker;
                        int length;
                        Gemma4Markers.MatchResult match;
                        if (text[i] == '\n')
                        {
                            marker = MarkerKind.ChannelEnd;
                            match = Gemma4Markers.MatchThoughtEnd(text[i..], out length);
                        }
                        else
                        {
                            match = Gemma4Markers.Match(text[i..], out marker, out length);
                        }

                        if (match == Gemma4Markers.MatchResult.Prefix && !final)
                        {
                            return i; // hold back until the next piece decides
                        }

                        if (match != Gemma4Markers.MatchResult.Full)
                        {
                            emit.Add(kind, i, i + 1);
                            i++;
                            continue;
                        }

                        i += length;
                        switch (marker)
                        {
                            case MarkerKind.ChannelStart:
                                _state = State.ChannelHeader;
                                _headerMatched = 0;
                                break;
                            case MarkerKind.ChannelEnd:
                                _state = State.Text; // in answer text, a stray close is dropped
                                break;
                            case MarkerKind.ToolCallStart:
                                _state = State.ToolCall;
                                callStart = i - length;
                                _callScanned = length;
                                _callInString = false;
                                break;
                            case MarkerKind.EndOfTurn:
                                _state = State.Done;
                                return text.Length;
                            default:
                                break; // dropped
                        }

                        continue;
                    }

                case State.ChannelHeader:
                    {
                        while (_headerMatched < ThoughtHeader.Length && i < text.Length && text[i] == ThoughtHeader[_headerMatched])
                        {
                            _headerMatched++;
                            i++;
                        }

                        if (_headerMatched < ThoughtHeader.Length && i == text.Length && !final)
                        {
                            return i; // the matched part is counted, not kept
                        }

                        // "thought" is the channel's name even without its newline; a shorter match was reasoning text.
                        if (_headerMatched < ThoughtNameLength)
                        {
                            emit.AddText(ContentKind.Reasoning, ThoughtHeader[.._headerMatched]);
                        }

                        _state = State.Thought;
                        continue;
                    }

                case State.ToolCall:
                    {
                        if (ScanToolCall(text, callStart, final, ref emit) is int resumeAt)
                        {
                            i = resumeAt;
                            continue;
                        }

                        return _state == State.Done ? text.Length : callStart;
                    }

                default:
                    return text.Length;
            }
        }
    }

    // Scans an open tool call for its end. Returns where to go on scanning when the call is closed; null when it is
    // still open (the call is kept) or the turn ended.
    private int? ScanToolCall(ReadOnlySpan<char> text, int callStart, bool final, ref ContentEmitter emit)
    {
        var j = callStart + _callScanned;
        while (true)
        {
            var next = j < text.Length ? text[j..].IndexOf(Gemma4Markers.Lead) : -1;
            if (next < 0)
            {
                j = text.Length;
                break;
            }

            j += next;
            var match = Gemma4Markers.Match(text[j..], out var marker, out var length);
            if (match == Gemma4Markers.MatchResult.Prefix && !final)
            {
                break;
            }

            if (match != Gemma4Markers.MatchResult.Full)
            {
                j++;
                continue;
            }

            j += length;
            if (_callInString)
            {
                // Inside a string only its closing quote means anything, so arguments may contain marker text.
                _callInString = marker != MarkerKind.Quote;
                continue;
            }

            switch (marker)
            {
                case MarkerKind.Quote:
                    _callInString = true;
                    break;
                case MarkerKind.ToolCallEnd:
                    emit.AddCall(text[callStart..j]);
                    _state = State.Text;
                    return j;
                case MarkerKind.EndOfTurn:
                    // The turn ended inside the call: its text (without the marker) is kept, but not as answer text.
                    emit.AddUnparsed(text[callStart..(j - length)]);
                    _state = State.Done;
                    return null;
                default:
                    break; // part of the arguments; the reader decides whether they make sense
            }
        }

        if (final)
        {
            emit.AddUnparsed(text[callStart..]);
            _state = State.Done;
            return null;
        }

        _callScanned = j - callStart;
        return null;
    }

    private void AppendPending(ReadOnlySpan<char> text)
    {
        var needed = _pendingLength + text.Length;
        if (needed > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(needed, Math.Max(32, _pending.Length * 2)));
        }

        text.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength = needed;
    }
}
