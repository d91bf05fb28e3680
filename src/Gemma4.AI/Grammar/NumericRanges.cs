using System.Globalization;

namespace Gemma4.AI.Grammar;

/// <summary>Writes GBNF expressions for decimal numbers within bounds, digit by digit (no leading zeros).</summary>
/// <remarks>
/// The classic "numeric range as a regular expression" construction: split by digit count, then by the first digit
/// where the two bounds differ. An unbounded side is cut at <see cref="MaxDigits"/> integral digits, as llama.cpp's own
/// JSON schema converter does, so a random model cannot write digits forever.
/// </remarks>
internal static class NumericRanges
{
    /// <summary>The most integral digits a number may have when nothing bounds it.</summary>
    public const int MaxDigits = 16;

    /// <summary>The largest magnitude a bound may have (beyond it the digit arithmetic would overflow).</summary>
    public const long MaxBound = 999_999_999_999_999_999;

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>]; null means unbounded on that side.</summary>
    public static string Integer(long? min, long? max)
    {
        Check(min, max);
        var alternatives = new List<string>();
        if (min >= 0)
        {
            NonNegative(min.Value, max, alternatives, string.Empty);
        }
        else if (max < 0)
        {
            NonNegative(-max.Value, -min, alternatives, "\"-\" ");
        }
        else
        {
            NonNegative(1, -min, alternatives, "\"-\" ");
            NonNegative(0, max, alternatives, string.Empty);
        }

        return Group(alternatives);
    }

    /// <summary>
    /// A plain decimal number (no exponent) in [<paramref name="min"/>, <paramref name="max"/>], whose bounds are integers;
    /// a fractional part has up to <see cref="MaxDigits"/> digits.
    /// </summary>
    public static string Decimal(long? min, long? max)
    {
        Check(min, max);
        var alternatives = new List<string>();
        if (min >= 0)
        {
            DecimalNonNegative(min.Value, max, alternatives, string.Empty);
        }
        else if (max < 0)
        {
            // x = -y with y in [-max, -min].
            DecimalNonNegative(-max.Value, -min, alternatives, "\"-\" ");
        }
        else
        {
            DecimalNonNegative(0, -min, alternatives, "\"-\" ");
            DecimalNonNegative(0, max, alternatives, string.Empty);
        }

        return Group(alternatives);
    }

    private static void Check(long? min, long? max)
    {
        if (min is < -MaxBound or > MaxBound || max is < -MaxBound or > MaxBound)
        {
            throw new ArgumentOutOfRangeException(nameof(min), $"Bounds must be within ±{MaxBound}.");
        }

        if (min > max)
        {
            throw new ArgumentException($"The minimum {min} is above the maximum {max}.", nameof(min));
        }
    }

    // y in [lo, hi] (hi null: unbounded), y >= 0, with an optional fraction; y == hi only with a zero fraction.
    private static void DecimalNonNegative(long lo, long? hi, List<string> alternatives, string sign)
    {
        const string Fraction = " (\".\" [0-9]{1,16})?";
        if (hi is null)
        {
            var whole = new List<string>();
            NonNegative(lo, null, whole, string.Empty);
            alternatives.Add(sign + Group(whole) + Fraction);
            return;
        }

        if (lo < hi)
        {
            var below = new List<string>();
            NonNegative(lo, hi - 1, below, string.Empty);
            alternatives.Add(sign + Group(below) + Fraction);
        }

        alternatives.Add(sign + Gbnf.Literal(hi.Value.ToString(CultureInfo.InvariantCulture)) + " (\".\" [0]{1,16})?");
    }

    // Non-negative integers in [lo, hi] (hi null: up to MaxDigits digits, or lo's digit count if larger).
    private static void NonNegative(long lo, long? hi, List<string> alternatives, string prefix)
    {
        var loDigits = Digits(lo);
        if (hi is not { } top)
        {
            SameLength(Text(lo), new string('9', loDigits), alternatives, prefix);
            var maxDigits = Math.Max(MaxDigits, loDigits);
            if (maxDigits > loDigits)
            {
                alternatives.Add(prefix + "[1-9] [0-9]" + Gbnf.Repeat(loDigits, maxDigits - 1));
            }

            return;
        }

        var hiDigits = Digits(top);
        if (loDigits == hiDigits)
        {
            SameLength(Text(lo), Text(top), alternatives, prefix);
            return;
        }

        // Shortest length: from lo to 9...9; longest: from 10...0 to hi; every length between: any digits.
        SameLength(Text(lo), new string('9', loDigits), alternatives, prefix);
        if (hiDigits - loDigits >= 2)
        {
            alternatives.Add(prefix + "[1-9] [0-9]" + Gbnf.Repeat(loDigits, hiDigits - 2));
        }

        SameLength("1" + new string('0', hiDigits - 1), Text(top), alternatives, prefix);
    }

    // Numbers with the same digit count between a and b (as text, a <= b).
    private static void SameLength(string a, string b, List<string> alternatives, string prefix)
    {
        if (a == b)
        {
            alternatives.Add(prefix + Gbnf.Literal(a));
            return;
        }

        var i = 0;
        while (a[i] == b[i])
        {
            i++;
        }

        var head = prefix + (i > 0 ? Gbnf.Literal(a[..i]) + " " : string.Empty);
        var rest = a.Length - i - 1;
        var restLow = a[(i + 1)..];
        var restHigh = b[(i + 1)..];
        var lowIsFull = restLow.All(c => c == '0');
        var highIsFull = restHigh.All(c => c == '9');
        var from = lowIsFull ? a[i] : (char)(a[i] + 1);
        var to = highIsFull ? b[i] : (char)(b[i] - 1);

        if (!lowIsFull)
        {
            SameLength(restLow, new string('9', rest), alternatives, head + Gbnf.Literal(a[i].ToString()) + " ");
        }

        if (from <= to)
        {
            alternatives.Add(head + DigitClass(from, to) + (rest > 0 ? " [0-9]" + Gbnf.Repeat(rest, rest) : string.Empty));
        }

        if (!highIsFull)
        {
            SameLength(new string('0', rest), restHigh, alternatives, head + Gbnf.Literal(b[i].ToString()) + " ");
        }
    }

    private static string DigitClass(char from, char to) => from == to ? "[" + from + "]" : "[" + from + "-" + to + "]";

    private static string Group(List<string> alternatives) =>
        alternatives.Count == 1 ? "(" + alternatives[0] + ")" : "(" + string.Join(" | ", alternatives) + ")";

    private static int Digits(long value) => Text(value).Length;

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
