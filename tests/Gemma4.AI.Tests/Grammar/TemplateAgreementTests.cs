using System.Text.Json;
using Gemma4.AI.Formatting;
using Gemma4.AI.Grammar;
using Gemma4.AI.Tests.Grammar.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Grammar;

/// <summary>The tool-call grammar accepts exactly what the chat template renders for the same call.</summary>
public sealed class TemplateAgreementTests
{
    public static TheoryData<string, string> Calls => new()
    {
        {
            """{"type":"object","properties":{"zeta":{"type":"integer"},"Alpha":{"type":"string"},"beta":{"type":"boolean"},"_under":{"type":"null"}},"required":["zeta","Alpha","beta","_under"]}""",
            """{"zeta":3,"Alpha":"text with \"quotes\", {braces} and <tags>","beta":true,"_under":null}"""
        },
        {
            """{"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"b":{"type":"number"},"A":{"type":"string"}},"required":["b","A"]}}},"required":["items"]}""",
            """{"items":[{"b":2.5,"A":"x"},{"b":-1,"A":""}]}"""
        },
        {
            """{"type":"object","properties":{"opt":{"type":"string"},"req":{"enum":["one","two"]}},"required":["req"]}""",
            """{"req":"two"}"""
        },
        {
            """{"type":"object","properties":{"Émile":{"type":"integer"},"emile":{"type":"integer"},"EMILE":{"type":"integer"}},"required":["Émile","emile","EMILE"]}""",
            """{"Émile":1,"emile":2,"EMILE":3}"""
        },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public void Grammar_AcceptsTheTemplatesRenderingOfACall(string schema, string arguments)
    {
        var tool = Tools.Declare("act", schema);
        var args = JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments)!;
        ChatMessage[] messages =
        [
            new(ChatRole.User, "go"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "act", args)]),
        ];
        var prompt = new Gemma4PromptFormatter().Format(messages, new ChatOptions { Tools = [tool] }, addGenerationPrompt: false);
        var start = prompt.IndexOf(Gemma4Tokens.ToolCallStart + "call:", StringComparison.Ordinal);
        var end = prompt.IndexOf(Gemma4Tokens.ToolCallEnd, start, StringComparison.Ordinal) + Gemma4Tokens.ToolCallEnd.Length;
        var rendered = prompt[start..end];

        var grammar = GbnfRecognizer.Parse(ToolCallGrammar.Build([tool], ChatToolMode.RequireAny, false)!.Gbnf);

        Assert.True(grammar.Accepts(Unit.Tokens(rendered, Tools.ControlTokens)), rendered);
    }
}
