using Gemma4.AI.Grammar;
using Gemma4.AI.Tests.Grammar.Support;

namespace Gemma4.AI.Tests.Grammar;

public sealed class GbnfTests
{
    [Theory]
    [InlineData("abc", "\"abc\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("C:\\dir", "\"C:\\\\dir\"")]
    [InlineData("a\nb\r\tc", "\"a\\nb\\r\\tc\"")]
    [InlineData("\u0001\u007F", "\"\\x01\\x7F\"")]
    [InlineData("café", "\"caf\\xE9\"")]
    [InlineData("漢", "\"\\u6F22\"")]
    [InlineData("😀", "\"\\U0001F600\"")]
    [InlineData("[a-b] ^ |", "\"[a-b] ^ |\"")]
    public void Literal_AwkwardText_EscapesAsAscii(string text, string expected) => Assert.Equal(expected, Gbnf.Literal(text));

    [Theory]
    [InlineData("abc")]
    [InlineData("say \"hi\" \\ / \n\r\t")]
    [InlineData("é漢😀\u0001\u007F")]
    [InlineData("<|\"|> <tool_call|> # comment")]
    public void Literal_AnyText_MatchesExactlyThatText(string text)
    {
        var grammar = GbnfRecognizer.Parse("root ::= " + Gbnf.Literal(text));

        Assert.True(grammar.Accepts(text));
        Assert.False(grammar.Accepts(text + "x"));
        Assert.False(grammar.Accepts(text[..^1]));
    }

    [Fact]
    public void Literal_LoneSurrogate_Throws() => Assert.Throws<ArgumentException>(() => Gbnf.Literal("a\uD800b"));

    [Fact]
    public void CharClass_SpecialCharacters_AreEscaped()
    {
        var cls = Gbnf.CharClass(false, "^]-\\\"[");

        Assert.Equal("[\\x5E\\]\\-\\\\\\\"\\[]", cls);
        var grammar = GbnfRecognizer.Parse("root ::= " + cls + "+");
        Assert.True(grammar.Accepts("^]-\\\"["));
        Assert.False(grammar.Accepts("a"));
    }

    [Fact]
    public void CharClass_NegatedRanges_WritesRanges()
    {
        Assert.Equal("[^" + Gbnf.NotScalarValues + "a-z0]", Gbnf.CharClass(true, ('a', 'z'), ('0', '0')));
        Assert.Throws<ArgumentException>(() => Gbnf.CharClass(false, ('z', 'a')));
    }

    [Theory]
    [InlineData("<|tool_call>")]
    [InlineData("<|\"|>")]
    [InlineData("<turn|>")]
    public void Token_ControlTokenText_IsWrittenAsTokenReference(string token) => Assert.Equal(token, Gbnf.Token(token));

    [Theory]
    [InlineData("tool_call")]
    [InlineData("<a>b>")]
    [InlineData("<>")]
    [InlineData("<a\nb>")]
    public void Token_TextLlamaCppCannotRead_Throws(string token) => Assert.Throws<ArgumentException>(() => Gbnf.Token(token));

    [Fact]
    public void CharClass_Negated_NeverMatchesCodePointsThatAreNotScalarValues()
    {
        var grammar = GbnfRecognizer.Parse("root ::= " + Gbnf.CharClass(true, "x"));

        Assert.True(grammar.Accepts([Unit.Of(0xD7FF)]));
        Assert.True(grammar.Accepts([Unit.Of(0x10FFFF)]));
        Assert.False(grammar.Accepts([Unit.Of(0xD800)]));
        Assert.False(grammar.Accepts([Unit.Of(0xDFFF)]));
        Assert.False(grammar.Accepts([Unit.Of(0x110000)]));
        Assert.False(grammar.Accepts([Unit.Of(0x3FFFFF)]));
    }

    [Fact]
    public void Token_Id_IsWrittenInBrackets() => Assert.Equal("<[42]>", Gbnf.Token(42));

    [Theory]
    [InlineData(0, null, "*")]
    [InlineData(1, null, "+")]
    [InlineData(0, 1, "?")]
    [InlineData(3, null, "{3,}")]
    [InlineData(4, 4, "{4}")]
    [InlineData(2, 5, "{2,5}")]
    public void Repeat_Bounds_WritesShortestForm(int min, int? max, string expected) => Assert.Equal(expected, Gbnf.Repeat(min, max));
}
