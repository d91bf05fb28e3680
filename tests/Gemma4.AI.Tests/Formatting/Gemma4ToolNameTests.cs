using Gemma4.AI.Formatting;
using Gemma4.AI.Parsing;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Formatting;

/// <summary>A tool name is accepted exactly when the model's call to it parses back to that name.</summary>
public sealed class Gemma4ToolNameTests
{
    public static TheoryData<string> Accepted() =>
    [
        "get_weather", "calculator_add", "calculator-add", "calculator.add", "server:tool", "ns/tool", "me@host", "$ref",
        "WeatherGet2", "wetter_für_morgen", "天气", new string('a', 64),
    ];

    public static TheoryData<string> Refused() =>
    [
        "", "get weather", "y<turn|>", "a\"b", "x{y}", "f(x)", "line\nbreak", "tab\tname", "emoji😀", "comma,name", new string('a', 65),
    ];

    [Theory]
    [MemberData(nameof(Accepted))]
    public void AcceptedName_RoundTripsThroughTheCallSyntax(string name)
    {
        Assert.True(Gemma4ToolName.IsValid(name));
        Assert.Equal(name, ParsedName(name));
        _ = new Gemma4PromptFormatter().Format([new ChatMessage(ChatRole.User, "hi")], Options(name));
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void RefusedName_IsRefusedNamingTheTool(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Gemma4PromptFormatter().Format([new ChatMessage(ChatRole.User, "hi")], Options(name)));

        Assert.False(Gemma4ToolName.IsValid(name));
        Assert.Equal("tools", ex.ParamName);
        Assert.Contains($"ChatOptions.Tools[1] is named '{name}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("get weather")]
    [InlineData("y<turn|>")]
    [InlineData("x{y}")]
    [InlineData("")]
    public void RefusedName_WouldNotRoundTrip(string name)
    {
        // Why they are refused: the model would write them, and the call would come back under another name or none.
        Assert.NotEqual(name, ParsedName(name));
    }

    [Fact]
    public void DuplicateNames_AreRefused_ToolModeNoneDeclaresNothingAndChecksNothing()
    {
        var twice = new ChatOptions { Tools = [Declare("a"), Declare("a")] };
        var none = new ChatOptions { Tools = [Declare("get weather")], ToolMode = ChatToolMode.None };

        Assert.Contains("Two tools are named 'a'", Assert.Throws<ArgumentException>(() => new Gemma4PromptFormatter().Format([new ChatMessage(ChatRole.User, "hi")], twice)).Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<|tool>", new Gemma4PromptFormatter().Format([new ChatMessage(ChatRole.User, "hi")], none), StringComparison.Ordinal);
    }

    private static ChatOptions Options(string name) => new() { Tools = [Declare("ok"), Declare(name)] };

    private static Declaration Declare(string name) => new(name);

    // AIFunctionFactory refuses an empty name itself; other declarations (a server mapping a request) may carry one.
    private sealed class Declaration(string name) : AIFunctionDeclaration
    {
        private static readonly System.Text.Json.JsonElement Schema = System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

        public override string Name => name;

        public override System.Text.Json.JsonElement JsonSchema => Schema;
    }

    // What the parser reads back from the call the template writes for this name (null: no call at all).
    private static string? ParsedName(string name)
    {
        var prompt = new Gemma4PromptFormatter().Format(
            [new ChatMessage(ChatRole.User, "go"), new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", name, new Dictionary<string, object?> { ["x"] = 1 })])],
            addGenerationPrompt: false);
        var call = prompt[prompt.IndexOf(Gemma4Tokens.ToolCallStart, StringComparison.Ordinal)..];
        call = call[..(call.IndexOf(Gemma4Tokens.ToolCallEnd, StringComparison.Ordinal) + Gemma4Tokens.ToolCallEnd.Length)];
        return Gemma4OutputParser.Parse(call).OfType<FunctionCallContent>().SingleOrDefault()?.Name;
    }
}
