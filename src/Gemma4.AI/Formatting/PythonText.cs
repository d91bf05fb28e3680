using System.Globalization;
using System.Text;

namespace Gemma4.AI.Formatting;

/// <summary>Python 3 string operations the chat template relies on (<c>strip</c>, <c>upper</c>, <c>lower</c>, <c>repr</c>).</summary>
/// <remarks>
/// .NET's own casing and whitespace rules differ from Python's in a few places (full case mappings such as
/// <c>ß</c> → <c>SS</c>, U+001C..U+001F being whitespace), and the template's output depends on them.
/// Character properties come from .NET's Unicode tables; code points assigned after Unicode 14.0 (Python 3.11)
/// may be classified differently.
/// </remarks>
internal static class PythonText
{
    /// <summary>Python's <c>str.isspace()</c> for one UTF-16 unit (every Python whitespace is in the BMP).</summary>
    public static bool IsWhiteSpace(char c) =>
        c is (>= '\t' and <= '\r') or (>= '\u001C' and <= ' ') or '\u0085' or '\u00A0' or '\u1680'
            or (>= '\u2000' and <= '\u200A') or '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000';

    /// <summary>Python's <c>str.strip()</c> (Jinja's <c>trim</c> filter).</summary>
    public static ReadOnlySpan<char> Strip(ReadOnlySpan<char> text)
    {
        int start = 0, end = text.Length;
        while (start < end && IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    /// <summary>Python's <c>str.strip()</c> (Jinja's <c>trim</c> filter).</summary>
    public static string Strip(string text)
    {
        var span = Strip(text.AsSpan());
        return span.Length == text.Length ? text : span.ToString();
    }

    /// <summary>Python's <c>str.upper()</c>, including the full (one-to-many) mappings such as <c>ß</c> → <c>SS</c>.</summary>
    public static string Upper(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var cp in CodePoints(text))
        {
            if (cp <= char.MaxValue && PythonCaseTables.FullUpperCase.TryGetValue((char)cp, out var mapped))
            {
                sb.Append(mapped);
            }
            else
            {
                AppendCodePoint(sb, IsSurrogate(cp) ? cp : Rune.ToUpperInvariant(new Rune(cp)).Value);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Python's <c>str.lower()</c>, the sort key of Jinja's case-insensitive <c>dictsort</c>: simple mappings,
    /// <c>İ</c> → <c>i̇</c>, and capital sigma → final sigma at the end of a word.
    /// </summary>
    public static string Lower(string text)
    {
        var sb = new StringBuilder(text.Length);
        var cps = CodePoints(text).ToArray();
        for (var i = 0; i < cps.Length; i++)
        {
            var cp = cps[i];
            if (cp == 0x130)
            {
                sb.Append("i\u0307");
            }
            else if (cp == 0x3A3)
            {
                sb.Append(IsFinalSigma(cps, i) ? '\u03C2' : '\u03C3');
            }
            else
            {
                AppendCodePoint(sb, IsSurrogate(cp) ? cp : Rune.ToLowerInvariant(new Rune(cp)).Value);
            }
        }

        return sb.ToString();
    }

    /// <summary>Compares two strings by code point, as Python compares <c>str</c> values.</summary>
    public static int CompareCodePoints(string x, string y)
    {
        var n = Math.Min(x.Length, y.Length);
        for (var i = 0; i < n; i++)
        {
            int a = x[i], b = y[i];
            if (a == b)
            {
                continue;
            }

            // UTF-16 order puts surrogates (U+10000 and above) before U+E000..U+FFFF; code point order does not.
            if (a >= 0xD800 && b >= 0xD800)
            {
                a = a >= 0xE000 ? a - 0x800 : a + 0x2000;
                b = b >= 0xE000 ? b - 0x800 : b + 0x2000;
            }

            return a - b;
        }

        return x.Length - y.Length;
    }

    /// <summary>Python's <c>repr()</c> of a string: quotes chosen as Python does, non-printable characters escaped.</summary>
    public static string Repr(string text)
    {
        var quote = text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder(text.Length + 2).Append(quote);
        foreach (var c in CodePoints(text))
        {
            if (c == quote || c == '\\')
            {
                sb.Append('\\').Append((char)c);
            }
            else if (c == '\t')
            {
                sb.Append("\\t");
            }
            else if (c == '\n')
            {
                sb.Append("\\n");
            }
            else if (c == '\r')
            {
                sb.Append("\\r");
            }
            else if (c < 0x20 || c == 0x7F)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{c:x2}");
            }
            else if (c < 0x7F || IsPrintable(c))
            {
                AppendCodePoint(sb, c);
            }
            else if (c <= 0xFF)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{c:x2}");
            }
            else if (c <= 0xFFFF)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{c:x4}");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\U{c:x8}");
            }
        }

        return sb.Append(quote).ToString();
    }

    /// <summary>Python's <c>repr()</c>/<c>str()</c> of a float: shortest round-trip digits, exponent outside 1e-4..1e16.</summary>
    public static string FloatRepr(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        // .NET's "R" gives the same shortest round-trip digits as Python's repr; only the layout differs.
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r.StartsWith('-');
        if (negative)
        {
            r = r[1..];
        }

        var e = r.IndexOf('E', StringComparison.Ordinal);
        var exponent = e < 0 ? 0 : int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? r : r[..e];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var decimalPoint = (dot < 0 ? mantissa.Length : dot) + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        decimalPoint -= leadingZeros;
        if (digits.Length == 0)
        {
            return negative ? "-0.0" : "0.0";
        }

        // digits × 10^(decimalPoint - digits.Length); Python switches to exponent form outside -4 < decpt <= 16.
        var sb = new StringBuilder(digits.Length + 8);
        if (negative)
        {
            sb.Append('-');
        }

        if (decimalPoint <= -4 || decimalPoint > 16)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }

            var exp = decimalPoint - 1;
            sb.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decimalPoint <= 0)
        {
            sb.Append("0.").Append('0', -decimalPoint).Append(digits);
        }
        else if (decimalPoint >= digits.Length)
        {
            sb.Append(digits).Append('0', decimalPoint - digits.Length).Append(".0");
        }
        else
        {
            sb.Append(digits, 0, decimalPoint).Append('.').Append(digits, decimalPoint, digits.Length - decimalPoint);
        }

        return sb.ToString();
    }

    /// <summary>The code points of a string, as Python iterates it; a lone surrogate is its own code point.</summary>
    public static IEnumerable<int> CodePoints(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                yield return char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }
            else
            {
                yield return text[i];
            }
        }
    }

    /// <summary>Appends one code point (a lone surrogate as itself).</summary>
    public static void AppendCodePoint(StringBuilder sb, int cp)
    {
        if (cp > char.MaxValue)
        {
            sb.Append(char.ConvertFromUtf32(cp));
        }
        else
        {
            sb.Append((char)cp);
        }
    }

    private static bool IsSurrogate(int cp) => cp is >= 0xD800 and <= 0xDFFF;

    private static UnicodeCategory Category(int cp) =>
        IsSurrogate(cp) ? UnicodeCategory.Surrogate : Rune.GetUnicodeCategory(new Rune(cp));

    private static bool IsPrintable(int cp) =>
        Category(cp) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => cp == ' ',
            _ => true,
        };

    // CPython's final-sigma rule: preceded by a cased letter and not followed by one, skipping case-ignorable
    // characters. Cased and case-ignorable are approximated from the general category.
    private static bool IsFinalSigma(int[] cps, int index)
    {
        var j = index - 1;
        while (j >= 0 && IsCaseIgnorable(cps[j]))
        {
            j--;
        }

        if (j < 0 || !IsCased(cps[j]))
        {
            return false;
        }

        j = index + 1;
        while (j < cps.Length && IsCaseIgnorable(cps[j]))
        {
            j++;
        }

        return j == cps.Length || !IsCased(cps[j]);
    }

    private static bool IsCased(int cp) =>
        Category(cp) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(int cp) =>
        cp is '\'' or '.' or ':' or 0xB7 or 0x387 or 0x5F4 or 0x2018 or 0x2019 or 0x2024 or 0x2027 or 0xFE13 or 0xFE52
            or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A
        || Category(cp) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
}
