using System.Text.Json;
using Gemma4.AI.Chat;
using Gemma4.AI.Engine;
using Gemma4.AI.Formatting;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>
/// Which tool calls a request allows: none when no tool may be called (the model cannot even open a call, as with
/// OpenAI's tool_choice none), and with ToolMode Auto a tool whose schema cannot be enforced does not fail the request.
/// </summary>
public sealed class ToolAvailabilityTests(TinyChatModel fixture) : IClassFixture<TinyChatModel>
{
    private static readonly AIFunctionDeclaration Weather = AIFunctionFactory.CreateDeclaration(
        "get_weather", "Weather for a city.", JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement);

    // AIFunctionFactory writes "pattern" for TimeSpan parameters; the grammar cannot enforce a regular expression.
    private static readonly AIFunction Delay = AIFunctionFactory.Create((TimeSpan delay) => "ok", "delay");

    public static TheoryData<string, bool> Modes() => new()
    {
        { "no tools", true },
        { "tools, none", true },
        { "tools, auto", false },
        { "tools, required", false },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public void Plan_ExcludesTheToolCallOpener_ExactlyWhenNoToolMayBeCalled(string mode, bool excluded)
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var options = mode switch
        {
            "no tools" => new ChatOptions(),
            "tools, none" => new ChatOptions { Tools = [Weather], ToolMode = ChatToolMode.None },
            "tools, auto" => new ChatOptions { Tools = [Weather], ToolMode = ChatToolMode.Auto },
            _ => new ChatOptions { Tools = [Weather], ToolMode = ChatToolMode.RequireAny },
        };

        var turn = Plan(client, options);

        var toolCall = fixture.Model.Tokenizer.SpecialTokenId(Gemma4Tokens.ToolCallStart);
        Assert.Equal(excluded, turn.Request.Sampling.ExcludedTokens.Contains(toolCall));
    }

    [Theory]
    [InlineData("Tell me about rivers.")]
    [InlineData("hi")]
    [InlineData("What is the weather in Paris?")]
    [InlineData("Write a haiku.")]
    [InlineData("Count to ten.")]
    public async Task ExcludedToken_IsNeverSampled_EvenWhenItIsTheGreedyChoice(string text)
    {
        // Several prompts: greedy sampling takes a shortcut (a plain argmax) whenever the best token can start a
        // character, and the exclusion must hold on that path too.
        var prompt = fixture.Model.Tokenizer.Tokenize(new Gemma4PromptFormatter(fixture.Model.TemplateVariant).FormatPrompt([new ChatMessage(ChatRole.User, text)]));
        var free = await FirstTokenAsync(prompt, []);

        var constrained = await FirstTokenAsync(prompt, [free]);

        Assert.NotEqual(free, constrained);
        Assert.Equal(constrained, await FirstTokenAsync(prompt, [free])); // still greedy: deterministic
    }

    [Fact]
    public async Task AutoMode_WithAToolWhoseSchemaCannotBeEnforced_StillAnswers_RequiredModeStillThrows()
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        Assert.Contains("pattern", Delay.JsonSchema.GetRawText(), StringComparison.Ordinal);

        var response = await client.GetResponseAsync("hi", new ChatOptions { Tools = [Weather, Delay], Temperature = 0, MaxOutputTokens = 4 });
        var ex = await Assert.ThrowsAsync<NotSupportedException>(
            () => client.GetResponseAsync("hi", new ChatOptions { Tools = [Weather, Delay], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 4 }));

        Assert.True(response.Usage!.OutputTokenCount > 0);
        Assert.Contains("pattern", ex.Message, StringComparison.Ordinal);
    }

    private ChatTurn Plan(Gemma4ChatClient client, ChatOptions options) => ChatTurnPlanner.Plan(
        client, fixture.Model, client.Formatter, [new ChatMessage(ChatRole.User, "hi")], options, null, new Gemma4ChatClientOptions(), NullLogger.Instance, CancellationToken.None);

    private async Task<int> FirstTokenAsync(int[] prompt, int[] excluded)
    {
        var request = new GenerationRequest(prompt) { Sampling = new SamplingParameters { Temperature = 0, ExcludedTokens = excluded }, MaxOutputTokens = 1 };
        await foreach (var update in fixture.Model.Engine.GenerateAsync(request))
        {
            if (update.Token >= 0)
            {
                return update.Token;
            }
        }

        throw new InvalidOperationException("no token generated");
    }
}
