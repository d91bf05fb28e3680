using System.Text.Json;
using Gemma4.AI.Formatting;
using Gemma4.AI.Grammar;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Formatting;

/// <summary>Content with a lone surrogate reaches the model with U+FFFD in its place; configuration with one is refused.</summary>
public sealed class LoneSurrogateTests
{
    private const string Lone = "a\ud800b";
    private const string Replaced = "a\ufffdb";

    public static TheoryData<string> ContentFields() =>
        ["text", "trailing-high", "leading-low", "reasoning", "argument", "argument-key", "result", "result-text", "instructions", "role", "system", "description"];

    [Theory]
    [MemberData(nameof(ContentFields))]
    public void Content_WithALoneSurrogate_RendersWithReplacementCharacter(string field)
    {
        var (messages, options) = Conversation(field, Lone);
        var (expectedMessages, expectedOptions) = Conversation(field, Replaced);

        var prompt = new Gemma4PromptFormatter().FormatPrompt(messages, options);

        Assert.Equal(-1, Utf16.IndexOfLoneSurrogate(prompt.Text));
        Assert.Equal(new Gemma4PromptFormatter().Format(expectedMessages, expectedOptions), prompt.Text);
    }

    [Fact]
    public void JsonValues_WithAnEscapedLoneSurrogate_RenderWithReplacementCharacter()
    {
        // What FunctionInvokingChatClient hands back for a tool returning such a string: System.Text.Json writes it as
        // an escape, and JsonElement.GetString throws on it.
        var lone = JsonSerializer.SerializeToElement(new Report(Lone, 1));
        var replaced = JsonSerializer.SerializeToElement(new Report(Replaced, 1));
        var arguments = JsonDocument.Parse("{\"k\\ud800\":\"v\\udc00\"}").RootElement;
        var argumentsReplaced = JsonDocument.Parse("{\"k\\ufffd\":\"v\\ufffd\"}").RootElement;

        Assert.Equal(Render(replaced, argumentsReplaced), Render(lone, arguments));
        Assert.Equal(Render(new Report(Replaced, 1), argumentsReplaced), Render(new Report(Lone, 1), arguments));
        Assert.Contains("a\ufffdb", Render(lone, arguments), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"a\ud800":{"type":"string"}}}""", "#/properties/(a key)")]
    [InlineData("""{"type":"object","properties":{"unit":{"enum":["C","x\ud800"]}}}""", "#/properties/unit/enum/1")]
    [InlineData("""{"type":"object","properties":{"unit":{"const":"\udc00"}}}""", "#/properties/unit/const")]
    public void ToolSchema_WithALoneSurrogate_IsRefusedNamingToolAndPointer(string schema, string location)
    {
        var options = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("f", null, JsonDocument.Parse(schema).RootElement)] };

        var formatting = Assert.Throws<ArgumentException>(() => new Gemma4PromptFormatter().Format([new ChatMessage(ChatRole.User, "hi")], options));

        Assert.Equal("tools", formatting.ParamName);
        Assert.Contains("ChatOptions.Tools[0] ('f')", formatting.Message, StringComparison.Ordinal);
        Assert.Contains(location, formatting.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResponseFormatSchema_WithALoneSurrogate_IsRefusedNamingThePointer()
    {
        var format = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"object","properties":{"k":{"enum":["\ud800"]}}}""").RootElement);

        var ex = Assert.Throws<ArgumentException>(() => ChatGrammar.Build(new ChatOptions { ResponseFormat = format }));

        Assert.Contains("ResponseFormat", ex.Message, StringComparison.Ordinal);
        Assert.Contains("#/properties/k/enum/0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexOfLoneSurrogate_FindsHalvesWithoutTheirPartner()
    {
        // Not InlineData: attribute strings are stored as UTF-8, which has no lone surrogates.
        Assert.Equal(-1, Utf16.IndexOfLoneSurrogate("abc"));
        Assert.Equal(-1, Utf16.IndexOfLoneSurrogate("\ud83d\ude00"));
        Assert.Equal(0, Utf16.IndexOfLoneSurrogate("\ud83d"));
        Assert.Equal(1, Utf16.IndexOfLoneSurrogate("x\ude00"));
        Assert.Equal(2, Utf16.IndexOfLoneSurrogate("\ud83d\ude00\ud83d"));
        Assert.Equal(0, Utf16.IndexOfLoneSurrogate("\ude00\ud83d"));
        Assert.Equal("\ufffd\ufffdx\ud83d\ude00", Utf16.ReplaceLoneSurrogates("\ude00\ud83dx\ud83d\ude00"));
    }

    private static string Render(object result, JsonElement arguments) => new Gemma4PromptFormatter().Format(
    [
        new(ChatRole.User, "hi"),
        new(ChatRole.Assistant, [new FunctionCallContent("c", "f", new Dictionary<string, object?> { ["nested"] = arguments })]),
        new(ChatRole.Tool, [new FunctionResultContent("c", result)]),
    ]);

    private sealed record Report(string City, int Days);

    private static (List<ChatMessage> Messages, ChatOptions Options) Conversation(string field, string text)
    {
        var messages = new List<ChatMessage> { new(ChatRole.User, "hi") };
        var options = new ChatOptions();
        switch (field)
        {
            case "text": messages = [new(ChatRole.User, text)]; break;
            case "trailing-high": messages = [new(ChatRole.User, text.Replace("\ud800", "\ud83d", StringComparison.Ordinal)[..2])]; break;
            case "leading-low": messages = [new(ChatRole.User, text.Replace("\ud800", "\ude00", StringComparison.Ordinal)[1..])]; break;
            case "reasoning": messages.Add(new(ChatRole.Assistant, [new TextReasoningContent(text), new TextContent("x")])); break;
            case "argument": messages.Add(new(ChatRole.Assistant, [new FunctionCallContent("c", "f", new Dictionary<string, object?> { ["k"] = text })])); break;
            case "argument-key": messages.Add(new(ChatRole.Assistant, [new FunctionCallContent("c", "f", new Dictionary<string, object?> { [text] = 1 })])); break;
            case "result":
                messages.Add(new(ChatRole.Assistant, [new FunctionCallContent("c", "f")]));
                messages.Add(new(ChatRole.Tool, [new FunctionResultContent("c", new Dictionary<string, object?> { ["k"] = text })]));
                break;
            case "result-text":
                messages.Add(new(ChatRole.Assistant, [new FunctionCallContent("c", "f")]));
                messages.Add(new(ChatRole.Tool, [new FunctionResultContent("c", text)]));
                break;
            case "instructions": options.Instructions = text; break;
            case "role": messages = [new(new ChatRole("critic" + text), "hi")]; break;
            case "system": messages = [new(ChatRole.System, text), new(ChatRole.User, "hi")]; break;
            default: options.Tools = [AIFunctionFactory.CreateDeclaration("f", text, JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement)]; break;
        }

        return (messages, options);
    }
}
