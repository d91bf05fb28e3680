using System.Globalization;
using System.Text;

namespace Gemma4.AI.Grammar;

/// <summary>Writes the terminals of llama.cpp's GBNF: quoted literals, character classes and token references.</summary>
/// <remarks>
/// Everything is written as ASCII: other characters become <c>\uXXXX</c>/<c>\UXXXXXXXX</c> escapes, so a grammar survives any
/// marshalling and reads the same in a log. Only the escapes llama.cpp's parser knows are used (<c>\x \u \U \t \r \n \\ \" \[ \] \-</c>).
/// </remarks>
internal static class Gbnf
{
    /// <summary>A quoted literal that matches <paramref name="text"/> exactly, character by character.</summary>
    /// <exception cref="ArgumentException">The text holds a lone surrogate, which no UTF-8 output can match.</exception>
    public static string Literal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var rune in Runes(text))
        {
            AppendChar(sb, rune, inClass: false);
        }

        return sb.Append('"').ToString();
    }

    /// <summary>A character class such as <c>[^"\\]</c>, from single characters and inclusive ranges; a negated class also
    /// excludes <see cref="NotScalarValues"/>.</summary>
    /// <param name="negated">Whether the class matches every character except these.</param>
    /// <param name="ranges">Inclusive code-point ranges; a single character is a range from itself to itself.</param>
    public static string CharClass(bool negated, params ReadOnlySpan<(int First, int Last)> ranges)
    {
        if (ranges.IsEmpty)
        {
            throw new ArgumentException("A character class needs at least one character.", nameof(ranges));
        }

        var sb = new StringBuilder("[");
        if (negated)
        {
            sb.Append('^').Append(NotScalarValues);
        }

        foreach (var (first, last) in ranges)
        {
            if (first > last)
            {
                throw new ArgumentException($"Empty range U+{first:X4}-U+{last:X4}.", nameof(ranges));
            }

            AppendChar(sb, ToRune(first), inClass: true);
            if (last != first)
            {
                sb.Append('-');
                AppendChar(sb, ToRune(last), inClass: true);
            }
        }

        return sb.Append(']').ToString();
    }

    /// <summary>
    /// What every negated class also excludes: code points that are not Unicode scalar values (surrogates, and what
    /// llama.cpp decodes from lead bytes F4-FF), which a model could otherwise assemble from byte tokens as invalid UTF-8.
    /// </summary>
    public const string NotScalarValues = @"\uD800-\uDFFF\U00110000-\U003FFFFF";

    /// <summary>A class of the given characters, e.g. <c>CharClass(true, "&lt;|")</c> is <c>[^&lt;|]</c>.</summary>
    public static string CharClass(bool negated, string characters)
    {
        ArgumentNullException.ThrowIfNull(characters);
        var ranges = Runes(characters).Select(r => (r.Value, r.Value)).Distinct().ToArray();
        return CharClass(negated, ranges);
    }

    /// <summary>A reference to one vocabulary token by its text (such as <c>&lt;|tool_call&gt;</c>).</summary>
    /// <remarks>llama.cpp tokenizes the text with special tokens on and requires exactly one token; a quoted literal
    /// would instead let the model spell the text with ordinary tokens.</remarks>
    public static string Token(string tokenText)
    {
        ArgumentNullException.ThrowIfNull(tokenText);

        // llama.cpp reads a token reference from '<' to the first '>'.
        if (tokenText.Length < 3 || tokenText[0] != '<' || tokenText.IndexOf('>', StringComparison.Ordinal) != tokenText.Length - 1
            || tokenText.Any(c => c is '\n' or '\r'))
        {
            throw new ArgumentException($"'{tokenText}' cannot be written as a GBNF token reference.", nameof(tokenText));
        }

        return tokenText;
    }

    /// <summary>A reference to one vocabulary token by its id, <c>&lt;[ID]&gt;</c>.</summary>
    public static string Token(int tokenId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokenId);
        return "<[" + tokenId.ToString(CultureInfo.InvariantCulture) + "]>";
    }

    /// <summary>The repetition suffix for between <paramref name="min"/> and <paramref name="max"/> (null: unbounded) times.</summary>
    public static string Repeat(int min, int? max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(min);
        return (min, max) switch
        {
            (0, null) => "*",
            (1, null) => "+",
            (0, 1) => "?",
            (_, null) => "{" + min.ToString(CultureInfo.InvariantCulture) + ",}",
            (_, { } m) when m == min => "{" + min.ToString(CultureInfo.InvariantCulture) + "}",
            (_, { } m) when m > min => "{" + min.ToString(CultureInfo.InvariantCulture) + "," + m.ToString(CultureInfo.InvariantCulture) + "}",
            _ => throw new ArgumentOutOfRangeException(nameof(max), max, "The maximum is below the minimum."),
        };
    }

    /// <summary>The runes of <paramref name="text"/>; a lone surrogate throws.</summary>
    public static IEnumerable<Rune> Runes(string text)
    {
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                throw new ArgumentException($"The text holds a lone surrogate at index {i}; no UTF-8 output can match it.", nameof(text));
            }

            yield return rune;
            i += used;
        }
    }

    private static Rune ToRune(int codePoint) => Rune.IsValid(codePoint)
        ? new Rune(codePoint)
        : throw new ArgumentOutOfRangeException(nameof(codePoint), codePoint, "Not a Unicode scalar value.");

    private static void AppendChar(StringBuilder sb, Rune rune, bool inClass)
    {
        var c = rune.Value;
        switch (c)
        {
            case '\\': sb.Append(@"\\"); return;
            case '"': sb.Append("\\\""); return;
            case '\n': sb.Append(@"\n"); return;
            case '\r': sb.Append(@"\r"); return;
            case '\t': sb.Append(@"\t"); return;
            case '[' or ']' or '-' when inClass: sb.Append('\\').Append((char)c); return;
            case '^' when inClass: sb.Append(@"\x5E"); return; // a leading '^' would negate the class
        }

        if (c is >= 0x20 and < 0x7F)
        {
            sb.Append((char)c);
        }
        else if (c < 0x100)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\\x{c:X2}");
        }
        else if (c < 0x10000)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\\u{c:X4}");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"\\U{c:X8}");
        }
    }
}
