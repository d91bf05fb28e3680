using System.Text;

namespace Gemma4.AI.Parsing;

/// <summary>
/// How text is written for the scanner so that an ordinary '&lt;' (one the model spelled with ordinary tokens) can never
/// start a marker, and yet every input comes back out exactly. The escape character is the noncharacter U+FDD0:
/// <c>U+FDD0 'a'</c> stands for an ordinary '&lt;' and <c>U+FDD0 'b'</c> for a U+FDD0 the model wrote itself, so no
/// string is changed by the round trip (a single-character substitute turned the model's own U+FDD0 into '&lt;').
/// </summary>
/// <remarks>The scanner only ever stops at '&lt;', '\n' or the end of a piece, none of which falls inside a pair, so
/// every run it emits holds whole pairs and can be unescaped on its own.</remarks>
internal static class ScannerText
{
    /// <summary>The escape character.</summary>
    public const char Escape = '\uFDD0';

    private const char LessThanCode = 'a';
    private const char EscapeCode = 'b';

    /// <summary>Escapes text: every U+FDD0, and every '&lt;' too when <paramref name="lessThan"/> (ordinary-token text).</summary>
    public static string Encode(string text, bool lessThan)
    {
        var needed = lessThan ? text.AsSpan().IndexOfAny(Escape, '<') >= 0 : text.Contains(Escape, StringComparison.Ordinal);
        return needed ? Build(text, lessThan) : text;
    }

    /// <summary>Whether <paramref name="text"/> needs <see cref="Encode(string, bool)"/> when no '&lt;' is escaped.</summary>
    public static bool HasEscape(ReadOnlySpan<char> text) => text.Contains(Escape);

    /// <summary>The text an escaped run stands for.</summary>
    public static string Decode(string text)
    {
        var at = text.IndexOf(Escape, StringComparison.Ordinal);
        if (at < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, at);
        for (var i = at; i < text.Length; i++)
        {
            if (text[i] == Escape && i + 1 < text.Length)
            {
                builder.Append(text[++i] == LessThanCode ? '<' : Escape);
            }
            else
            {
                builder.Append(text[i]);
            }
        }

        return builder.ToString();
    }

    private static string Build(string text, bool lessThan)
    {
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c == Escape)
            {
                builder.Append(Escape).Append(EscapeCode);
            }
            else if (c == '<' && lessThan)
            {
                builder.Append(Escape).Append(LessThanCode);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
