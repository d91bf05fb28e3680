using System.Numerics;
using Gemma4.AI.Formatting;

namespace Gemma4.AI.Tests.Formatting;

/// <summary>Python 3 string semantics the template output depends on; expected values come from CPython 3.11.</summary>
public sealed class PythonTextTests
{
    [Theory]
    [InlineData(3.0, "3.0")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(1e20, "1e+20")]
    [InlineData(0.1, "0.1")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(123.456, "123.456")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(12345678.9, "12345678.9")]
    [InlineData(-2.5e-7, "-2.5e-07")]
    [InlineData(100.0, "100.0")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(double.NaN, "nan")]
    public void FloatRepr_MatchesPython(double value, string expected) =>
        Assert.Equal(expected, PythonText.FloatRepr(value));

    [Theory]
    [InlineData("\u001c\u001d a b \u001e\u001f", "a b")]
    [InlineData("\u0085\u00a0\u2000\u3000x\u2028\u2029\u202f\u205f\u1680\u000b\u000c", "x")]
    [InlineData("\u200b x \ufeff", "\u200b x \ufeff")]
    [InlineData("   ", "")]
    [InlineData("", "")]
    public void Strip_UsesPythonWhitespace(string text, string expected) =>
        Assert.Equal(expected, PythonText.Strip(text));

    [Theory]
    [InlineData("string", "STRING")]
    [InlineData("straße", "STRASSE")]
    [InlineData("\ufb01x", "FIX")]
    [InlineData("\u0131", "I")]
    [InlineData("\u0149", "\u02bcN")]
    [InlineData("😀é", "😀É")]
    public void Upper_UsesFullCaseMapping(string text, string expected) =>
        Assert.Equal(expected, PythonText.Upper(text));

    [Theory]
    [InlineData("\u0130", "i\u0307")]
    [InlineData("ΟΔΟΣ Σ ΑΣ.", "οδος σ ας.")]
    [InlineData("ABC", "abc")]
    public void Lower_MatchesPython(string text, string expected) =>
        Assert.Equal(expected, PythonText.Lower(text));

    [Theory]
    [InlineData("it's", "\"it's\"")]
    [InlineData("a\nb", "'a\\nb'")]
    [InlineData("\u0085", "'\\x85'")]
    [InlineData("\u200b", "'\\u200b'")]
    [InlineData("😀", "'😀'")]
    [InlineData("\U000E0001", "'\\U000e0001'")]
    [InlineData("\\", "'\\\\'")]
    [InlineData("\"'", "'\"\\''")]
    [InlineData("\u007f", "'\\x7f'")]
    [InlineData("\u00a0", "'\\xa0'")]
    [InlineData("é", "'é'")]
    public void Repr_MatchesPython(string text, string expected) =>
        Assert.Equal(expected, PythonText.Repr(text));

    [Fact]
    public void Repr_LoneSurrogate_IsEscaped() => Assert.Equal("'a\\ud800'", PythonText.Repr("a\ud800"));

    [Fact]
    public void CompareCodePoints_OrdersSupplementaryAfterPrivateUse()
    {
        // UTF-16 ordinal order would put U+1F600 (a surrogate pair) before U+E000.
        Assert.True(PythonText.CompareCodePoints("\U0001F600", "\ue000") > 0);
        Assert.True(PythonText.CompareCodePoints("a", "b") < 0);
        Assert.True(PythonText.CompareCodePoints("ab", "a") > 0);
    }

    [Fact]
    public void Repr_Containers_MatchPython()
    {
        var dict = new PyDict { ["k"] = "v", ["n"] = null, ["l"] = new List<object?> { true, new BigInteger(1), 2.5, "it's" } };

        Assert.Equal("{'k': 'v', 'n': None, 'l': [True, 1, 2.5, \"it's\"]}", PythonValues.Str(dict));
    }

    [Fact]
    public void PyDict_DuplicateKey_KeepsFirstPositionAndLastValue()
    {
        var dict = new PyDict { ["a"] = 1, ["b"] = 2 };
        dict["a"] = 3;

        Assert.Equal(["a", "b"], dict.Select(p => p.Key));
        Assert.Equal(3, dict.First().Value);
    }
}
