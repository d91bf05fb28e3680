using Gemma4.AI.Grammar;
using Gemma4.AI.Tests.Grammar.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Grammar;

public sealed class ChatGrammarTests
{
    private const string Q = "<|\"|>";

    private static readonly AIFunctionDeclaration Time = Tools.Declare(
        "get_time", """{"type":"object","properties":{"zone":{"type":"string"}},"required":["zone"]}""");

    private static readonly ChatResponseFormat Answer = ChatResponseFormat.ForJsonSchema(
        Schemas.Parse("""{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}"""));

    private static readonly List<Unit> Call = Unit.Tokens($"<|tool_call>call:get_time{{zone:{Q}UTC{Q}}}<tool_call|>", Tools.ControlTokens);

    [Fact]
    public void Build_NoOptions_HasNoGrammar()
    {
        Assert.Null(ChatGrammar.Build(null));
        Assert.Null(ChatGrammar.Build(new ChatOptions()));
        Assert.Null(ChatGrammar.Build(new ChatOptions { Tools = [Time], ToolMode = ChatToolMode.None }));
    }

    [Fact]
    public void Build_RequiredToolsAndJson_ToolsWin()
    {
        var grammar = ChatGrammar.Build(new ChatOptions { Tools = [Time], ToolMode = ChatToolMode.RequireAny, ResponseFormat = Answer })!;
        var g = GbnfRecognizer.Parse(grammar.Gbnf);

        Assert.False(grammar.IsLazy);
        Assert.True(g.Accepts(Call));
        Assert.False(g.Accepts("""{"ok":true}"""));
    }

    [Fact]
    public void Build_AutoAndJson_EitherCallsOrTheAnswer()
    {
        var grammar = ChatGrammar.Build(new ChatOptions { Tools = [Time], ResponseFormat = Answer })!;
        var g = GbnfRecognizer.Parse(grammar.Gbnf);

        Assert.False(grammar.IsLazy);
        Assert.True(g.Accepts(Call));
        Assert.True(g.Accepts("""{"ok":true}"""));
        Assert.False(g.Accepts("""{"ok":"yes"}"""));
        Assert.False(g.Accepts("plain text"));
    }

    [Fact]
    public void Build_Auto_IsLazy()
    {
        var grammar = ChatGrammar.Build(new ChatOptions { Tools = [Time], AllowMultipleToolCalls = false }, new GrammarOptions(ToolCallTokenId: 5))!;

        Assert.Equal([5], grammar.TriggerTokens);
        Assert.StartsWith("root ::= tool-call\n", grammar.Gbnf, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_JsonWithToolModeNone_IsTheAnswer()
    {
        var grammar = ChatGrammar.Build(new ChatOptions { Tools = [Time], ToolMode = ChatToolMode.None, ResponseFormat = Answer })!;

        Assert.True(GbnfRecognizer.Parse(grammar.Gbnf).Accepts("""{"ok":false}"""));
    }

    [Fact]
    public void Build_HostedToolsOnly_AreIgnored() =>
        Assert.Null(ChatGrammar.Build(new ChatOptions { Tools = [new HostedWebSearchTool()] }));

    [Fact]
    public void Build_JsonWithThought_AllowsReasoningFirst()
    {
        var grammar = ChatGrammar.Build(new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, new GrammarOptions(ThoughtPrefix.Optional))!;
        var g = GbnfRecognizer.Parse(grammar.Gbnf);

        Assert.True(g.Accepts(Unit.Tokens("<|channel>thought\nhmm<channel|>{\"a\":1}", Tools.ControlTokens)));
        Assert.True(g.Accepts("{\"a\":1}"));
    }
}
