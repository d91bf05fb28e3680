using Gemma4.AI.Grammar;

namespace Gemma4.AI.Tests.Grammar;

public sealed class GbnfGrammarBuilderTests
{
    [Theory]
    [InlineData("get_weather", "get-weather")]
    [InlineData("a  b..c", "a-b-c")]
    [InlineData("__x__", "x")]
    [InlineData("élan", "lan")]
    [InlineData("", "r")]
    [InlineData("!!!", "r")]
    public void Clean_AnyHint_GivesValidName(string hint, string expected) => Assert.Equal(expected, GbnfGrammarBuilder.Clean(hint));

    [Fact]
    public void Clean_LongHint_IsCut() => Assert.Equal(40, GbnfGrammarBuilder.Clean(new string('a', 100)).Length);

    [Fact]
    public void Add_SameHintDifferentBodies_GetsUniqueNames()
    {
        var g = new GbnfGrammarBuilder();

        Assert.Equal("x", g.Add("x", "\"a\""));
        Assert.Equal("x-2", g.Add("x", "\"b\""));
        Assert.Equal("x-3", g.Add("x", "\"c\""));
    }

    [Fact]
    public void Add_SameBody_ReturnsExistingRule()
    {
        var g = new GbnfGrammarBuilder();

        Assert.Equal("first", g.Add("first", "\"a\" \"b\""));
        Assert.Equal("first", g.Add("second", "\"a\" \"b\""));
    }

    [Fact]
    public void Add_HintRoot_NeverTakesTheRootName() => Assert.Equal("root-2", new GbnfGrammarBuilder().Add("root", "\"a\""));

    [Fact]
    public void Build_RootFirstThenRulesInOrder()
    {
        var g = new GbnfGrammarBuilder();
        var a = g.Add("a", "\"a\"");
        var b = g.Add("b", a + " \"b\"");

        Assert.Equal("root ::= b\na ::= \"a\"\nb ::= a \"b\"\n", g.Build(b));
    }

    [Fact]
    public void ReserveDefine_RecursiveRule_RefersToItself()
    {
        var g = new GbnfGrammarBuilder();
        var list = g.Reserve("list");
        g.Define(list, "\"(\" " + list + "* \")\"");

        Assert.Contains("list ::= \"(\" list* \")\"", g.Build(list), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ReservedButUndefined_Throws()
    {
        var g = new GbnfGrammarBuilder();
        g.Reserve("dangling");

        Assert.Throws<InvalidOperationException>(() => g.Build("\"a\""));
    }

    [Fact]
    public void Release_ReservedName_CanBeReservedAgain()
    {
        var g = new GbnfGrammarBuilder();
        var name = g.Reserve("x");
        g.Release(name);

        Assert.Equal("x", g.Reserve("x"));
        Assert.Throws<InvalidOperationException>(() => g.Release("root"));
    }

    [Fact]
    public void GetOrAdd_ExactName_AddedOnceAndConflictsThrow()
    {
        var g = new GbnfGrammarBuilder();

        Assert.Equal("ws", g.GetOrAdd("ws", () => "| \" \""));
        Assert.Equal("ws", g.GetOrAdd("ws", () => "| \" \""));
        Assert.Throws<InvalidOperationException>(() => g.GetOrAdd("ws", () => "\"x\""));
        Assert.Throws<ArgumentException>(() => g.GetOrAdd("bad_name", () => "\"x\""));
    }
}
