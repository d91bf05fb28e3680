using Gemma4.AI.Formatting;

namespace Gemma4.AI.Parsing;

/// <summary>What a control marker means to the output parser.</summary>
internal enum MarkerKind
{
    /// <summary>A control token with no meaning in model output; it is dropped.</summary>
    Ignored,

    /// <summary><c>&lt;|channel&gt;</c>: opens a (thought) channel.</summary>
    ChannelStart,

    /// <summary><c>&lt;channel|&gt;</c>: closes the channel.</summary>
    ChannelEnd,

    /// <summary><c>&lt;|tool_call&gt;</c>: opens a tool call.</summary>
    ToolCallStart,

    /// <summary><c>&lt;tool_call|&gt;</c>: closes a tool call.</summary>
    ToolCallEnd,

    /// <summary><c>&lt;|"|&gt;</c>: opens or closes a string inside a tool call.</summary>
    Quote,

    /// <summary>A token after which the model has nothing more to say in this turn.</summary>
    EndOfTurn,
}

/// <summary>Recognises Gemma 4 control markers in decoded text, including markers split across pieces.</summary>
internal static class Gemma4Markers
{
    /// <summary>Every marker starts with this character, so text without it can be emitted at once.</summary>
    public const char Lead = '<';

    /// <summary>Result of <see cref="Match"/>.</summary>
    public enum MatchResult
    {
        /// <summary>The text does not start with a marker.</summary>
        None,

        /// <summary>The text is a proper prefix of a marker: wait for more text to decide.</summary>
        Prefix,

        /// <summary>The text starts with a complete marker.</summary>
        Full,
    }

    // No marker is a prefix of another, so at most one can match in full.
    private static readonly (string Text, MarkerKind Kind)[] Markers =
    [
        (Gemma4Tokens.ChannelStart, MarkerKind.ChannelStart),
        (Gemma4Tokens.ChannelEnd, MarkerKind.ChannelEnd),
        (Gemma4Tokens.ToolCallStart, MarkerKind.ToolCallStart),
        (Gemma4Tokens.ToolCallEnd, MarkerKind.ToolCallEnd),
        (Gemma4Tokens.Quote, MarkerKind.Quote),
        // llama.cpp stops at <|tool_response> (end of generation) after the calls; the others end the turn or
        // start a new one the model should not have written.
        (Gemma4Tokens.ToolResponseStart, MarkerKind.EndOfTurn),
        (Gemma4Tokens.TurnEnd, MarkerKind.EndOfTurn),
        (Gemma4Tokens.TurnStart, MarkerKind.EndOfTurn),
        (Gemma4Tokens.Eos, MarkerKind.EndOfTurn),
        (Gemma4Tokens.Bos, MarkerKind.Ignored),
        (Gemma4Tokens.Pad, MarkerKind.Ignored),
        (Gemma4Tokens.ToolStart, MarkerKind.Ignored),
        (Gemma4Tokens.ToolEnd, MarkerKind.Ignored),
        (Gemma4Tokens.Think, MarkerKind.Ignored),
        (Gemma4Tokens.ToolResponseEnd, MarkerKind.Ignored),
        (Gemma4Tokens.Image, MarkerKind.Ignored),
        (Gemma4Tokens.Audio, MarkerKind.Ignored),
        (Gemma4Tokens.Video, MarkerKind.Ignored),
        (Gemma4Tokens.ImageStart, MarkerKind.Ignored),
        (Gemma4Tokens.ImageEnd, MarkerKind.Ignored),
        (Gemma4Tokens.AudioStart, MarkerKind.Ignored),
        (Gemma4Tokens.AudioEnd, MarkerKind.Ignored),
    ];

    /// <summary>Matches the start of <paramref name="text"/> (which starts with <see cref="Lead"/>) against the markers.</summary>
    /// <param name="text">The text from a <see cref="Lead"/> character to the end of what has arrived.</param>
    /// <param name="kind">The kind of the marker matched in full.</param>
    /// <param name="length">The length of the marker matched in full.</param>
    public static MatchResult Match(ReadOnlySpan<char> text, out MarkerKind kind, out int length)
    {
        var result = MatchResult.None;
        foreach (var (marker, markerKind) in Markers)
        {
            if (text.StartsWith(marker, StringComparison.Ordinal))
            {
                kind = markerKind;
                length = marker.Length;
                return MatchResult.Full;
            }

            if (text.Length < marker.Length && marker.AsSpan().StartsWith(text, StringComparison.Ordinal))
            {
                result = MatchResult.Prefix;
            }
        }

        kind = MarkerKind.Ignored;
        length = 0;
        return result;
    }

    /// <summary>Matches <c>\n&lt;channel|&gt;</c>, which closes a thought (the template writes reasoning followed by a
    /// newline), at the start of <paramref name="text"/> (which starts with <c>\n</c>).</summary>
    /// <param name="text">The text from a newline to the end of what has arrived.</param>
    /// <param name="length">The length of the match in full.</param>
    public static MatchResult MatchThoughtEnd(ReadOnlySpan<char> text, out int length)
    {
        length = 1 + Gemma4Tokens.ChannelEnd.Length;
        var afterNewline = text[1..];
        return afterNewline.StartsWith(Gemma4Tokens.ChannelEnd, StringComparison.Ordinal) ? MatchResult.Full
            : Gemma4Tokens.ChannelEnd.AsSpan().StartsWith(afterNewline, StringComparison.Ordinal) ? MatchResult.Prefix
            : MatchResult.None;
    }
}
