using Gemma4.AI.Grammar;
using Gemma4.AI.Tests.Grammar.Support;

namespace Gemma4.AI.Tests.Grammar;

public sealed class ExcludingTextTests
{
    private const string Quote = "<|\"|>";

    private static GbnfRecognizer Grammar(params string[] forbidden)
    {
        var g = new GbnfGrammarBuilder();
        var text = ExcludingText.Add(g, "text", forbidden);
        return GbnfRecognizer.Parse(g.Build(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("<")]
    [InlineData("<|")]
    [InlineData("<|\"")]
    [InlineData("<|\"|")]
    [InlineData("<<|\"|<|\"|")]
    [InlineData("a <b> | \"c\" |>")]
    [InlineData("<|tool_call> <tool_call|>")]
    [InlineData("é漢😀\n\t\\")]
    public void Text_WithoutTheQuote_IsAccepted(string text) => Assert.True(Grammar(Quote).Accepts(text));

    [Theory]
    [InlineData("<|\"|>")]
    [InlineData("a<|\"|>b")]
    [InlineData("<<|\"|>")]
    [InlineData("<|\"<|\"|>")]
    [InlineData("<|\"|<|\"|>")]
    public void Text_ContainingTheQuote_IsRejected(string text) => Assert.False(Grammar(Quote).Accepts(text));

    [Fact]
    public void Text_QuoteAsOneToken_IsRejectedByItsText()
    {
        // llama.cpp matches a control token's piece against character rules; the quote token must not fit the text.
        Assert.False(Grammar(Quote).AcceptsPrefix([Unit.Of('a'), Unit.OfToken(Quote)]));
        Assert.True(Grammar(Quote).Accepts([Unit.Of('a'), Unit.OfToken("<|tool_call>")]));
    }

    [Fact]
    public void Text_SeveralForbiddenStrings_RejectsEachAndAllowsOverlaps()
    {
        var g = Grammar("abc", "bcd", "<channel|>");

        Assert.True(g.Accepts("ab bc cd abd ab<channel|"));
        Assert.False(g.Accepts("xabcx"));
        Assert.False(g.Accepts("xbcdx"));
        Assert.False(g.Accepts("aabcd"));
        Assert.False(g.Accepts("thinking<channel|>"));
    }

    [Fact]
    public void Text_RandomStrings_AgreeWithContains()
    {
        var g = Grammar(Quote, "aab");
        var random = new Random(7);
        const string Alphabet = "<|\">ab";
        for (var i = 0; i < 2000; i++)
        {
            var s = new string(Enumerable.Range(0, random.Next(12)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
            var expected = !s.Contains(Quote, StringComparison.Ordinal) && !s.Contains("aab", StringComparison.Ordinal);
            Assert.True(expected == g.Accepts(s), s);
        }
    }
}
