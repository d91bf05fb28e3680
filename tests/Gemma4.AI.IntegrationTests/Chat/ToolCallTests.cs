using System.Text.Json;
using Gemma4.AI.Formatting;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>Tool calls through the real engine: forced by a grammar on the random model, parsed, invoked, fed back.</summary>
public sealed class ToolCallTests(TinyChatModel fixture) : IClassFixture<TinyChatModel>
{
    // Forces one well-formed call; after it the grammar is complete, so only an end-of-generation token can follow.
    private const string WeatherCallGrammar = "root ::= <|tool_call> \"call:get_weather{city:\" <|\"|> [a-z]{3,8} <|\"|> \",days:\" [1-9] \"}\" <tool_call|>";

    private static readonly AIFunction GetWeather = AIFunctionFactory.Create(
        (string city, int days) => new WeatherReport(city, days, "sunny", 21.5),
        "get_weather",
        "Gets the weather forecast for a city.");

    [Fact]
    public async Task ForcedCall_IsReturnedAsFunctionCallContent_WithToolCallsFinishReason()
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var options = ForcedCallOptions();

        var response = await client.GetResponseAsync("What's the weather in Paris?", options);

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal("get_weather", call.Name);
        Assert.Null(call.Exception);
        Assert.Matches("^[a-z]{3,8}$", ((JsonElement)call.Arguments!["city"]!).GetString());
        Assert.InRange(((JsonElement)call.Arguments["days"]!).GetInt32(), 1, 9);
        Assert.StartsWith("call_", call.CallId, StringComparison.Ordinal);
        Assert.Empty(response.Text);

        // Streaming gives one complete call too.
        var updates = await client.GetStreamingResponseAsync("What's the weather in Paris?", options).ToListAsync();
        Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal(ChatFinishReason.ToolCalls, updates.Last().FinishReason);
    }

    [Fact]
    public async Task FunctionInvocation_ArgumentThatDoesNotBind_GoesBackToTheModelAsAToolError()
    {
        // A raw grammar forces an int argument no int holds (the tools' own grammar no longer allows one).
        using var inner = new Gemma4ChatClient(fixture.Model);
        var recorder = new PromptRecorder(inner);
        using var client = new ChatClientBuilder(recorder).UseFunctionInvocation().Build();
        var invoked = 0;
        var count = AIFunctionFactory.Create((int n) => ++invoked, "count");
        var options = new ChatOptions
        {
            Tools = [count],
            Temperature = 0,
            MaxOutputTokens = 40,
            RawRepresentationFactory = _ => new Gemma4GenerationOptions { Grammar = "root ::= <|tool_call> \"call:count{n:2228968267322}\" <tool_call|>" },
        };

        var response = await client.GetResponseAsync("Count.", options);

        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.NotNull(result.Exception); // Microsoft.Extensions.AI's FunctionInvokingChatClient reports it, it does not throw
        Assert.Equal(0, invoked);
        Assert.Equal(2, recorder.Prompts.Count);
        Assert.Contains("<|tool_response>response:count{value:<|\"|>Error:", recorder.Prompts[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("get weather")]
    [InlineData("y<turn|>")]
    public async Task ToolWhoseNameCannotRoundTrip_IsRefusedNamingIt(string name)
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var tool = AIFunctionFactory.Create((string city) => city, name);
        var options = new ChatOptions { Tools = [tool], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 40, Temperature = 0 };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("go", options));

        Assert.Equal("tools", ex.ParamName);
        Assert.Contains($"'{name}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("weather_get")]
    [InlineData("weather-get")]
    [InlineData("weather.get")]
    public async Task RequiredCall_ToAToolNamedAsSemanticKernelOrMcpName_ComesBackUnderThatName(string name)
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var tool = AIFunctionFactory.Create((string city) => city, name);

        var response = await client.GetResponseAsync("go", new ChatOptions
        {
            Tools = [tool], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 60, Temperature = 0, AllowMultipleToolCalls = false,
            RawRepresentationFactory = _ => new Gemma4GenerationOptions { MaxConstrainedStringLength = 8 },
        });

        Assert.Equal(name, Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()).Name);
    }

    [Fact]
    public async Task RequiredCall_CutByTheTokenLimit_LeaksNoMarkup_FinishesWithLength_KeepsTheRawText()
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var options = new ChatOptions { Tools = [GetWeather], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 6, Temperature = 0 };

        var response = await client.GetResponseAsync("What's the weather in Paris?", options);
        var updates = await client.GetStreamingResponseAsync("What's the weather in Paris?", options).ToListAsync();

        // Through function invocation the cut call is not invoked and nothing throws.
        var invoked = 0;
        var counted = AIFunctionFactory.Create((string city, int days) => ++invoked, "get_weather");
        using var invoking = new ChatClientBuilder(new Gemma4ChatClient(fixture.Model)).UseFunctionInvocation().Build();
        var viaInvocation = await invoking.GetResponseAsync("What's the weather in Paris?", new ChatOptions
        {
            Tools = [counted], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 6, Temperature = 0,
        });

        foreach (var contents in new[] { response.Messages.SelectMany(m => m.Contents).ToList(), updates.SelectMany(u => u.Contents).ToList() })
        {
            Assert.Empty(contents.OfType<FunctionCallContent>());
            Assert.DoesNotContain(contents.OfType<TextContent>(), t => t.Text.Contains('<', StringComparison.Ordinal));
            var raw = Assert.IsType<string>(Assert.Single(contents, c => c.GetType() == typeof(AIContent)).RawRepresentation);
            Assert.StartsWith("<|tool_call>call:", raw, StringComparison.Ordinal);
        }

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(ChatFinishReason.Length, updates.Last().FinishReason);
        Assert.Empty(response.Text);
        Assert.Equal(0, invoked);
        Assert.Equal(ChatFinishReason.Length, viaInvocation.FinishReason);
        Assert.Empty(viaInvocation.Text);
    }

    [Fact]
    public async Task FunctionInvocation_InvokesTheRealFunction_AndTheNextPromptCarriesTheToolResponse()
    {
        using var inner = new Gemma4ChatClient(fixture.Model);
        var recorder = new PromptRecorder(inner);
        using var client = new ChatClientBuilder(recorder).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("What's the weather in Paris?", ForcedCallOptions());

        Assert.Equal(2, recorder.Prompts.Count);
        var second = recorder.Prompts[1];
        Assert.Matches("<\\|tool_call>call:get_weather\\{city:<\\|\"\\|>[a-z]{3,8}<\\|\"\\|>,days:[1-9]\\}<tool_call\\|>", second);
        Assert.Matches("<\\|tool_response>response:get_weather\\{city:<\\|\"\\|>[a-z]{3,8}<\\|\"\\|>,days:[1-9],sky:<\\|\"\\|>sunny<\\|\"\\|>,temperature:21\\.5\\}<tool_response\\|>", second);
        Assert.False(second.EndsWith("<|turn>model\n", StringComparison.Ordinal), "after a tool response the model continues the same turn");
        Assert.Contains(response.Messages, m => m.Role == ChatRole.Tool && m.Contents.OfType<FunctionResultContent>().Any());
        Assert.NotEqual(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task ToolModeNone_DoesNotDeclareTheTools()
    {
        using var inner = new Gemma4ChatClient(fixture.Model);
        var recorder = new PromptRecorder(inner);
        var options = new ChatOptions { Tools = [GetWeather], ToolMode = ChatToolMode.None, MaxOutputTokens = 2 };

        await recorder.GetResponseAsync("hi", options);
        await recorder.GetResponseAsync("hi", new ChatOptions { Tools = [GetWeather], MaxOutputTokens = 2 });

        Assert.DoesNotContain("<|tool>", recorder.Prompts[0], StringComparison.Ordinal);
        Assert.Contains("<|tool>declaration:get_weather{", recorder.Prompts[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Thinking_On_RendersTheThinkToken_AndStreamsReasoningSeparately()
    {
        using var inner = new Gemma4ChatClient(fixture.Model);
        var recorder = new PromptRecorder(inner);
        var options = new ChatOptions
        {
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Medium },
            Temperature = 0.7f,
            Seed = 3,
            MaxOutputTokens = 40,
            RawRepresentationFactory = _ => new Gemma4GenerationOptions
            {
                Grammar = "root ::= <|channel> \"thought\\n\" [a-z ]{5,20} <channel|> [a-z ]{3,20}",
            },
        };

        var response = await recorder.GetResponseAsync("Think first.", options);

        Assert.StartsWith("<bos><|turn>system\n<|think|>\n", recorder.Prompts[0], StringComparison.Ordinal);
        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        Assert.Matches("^[a-z ]{5,20}$", Assert.Single(contents.OfType<TextReasoningContent>()).Text);
        Assert.Matches("^[a-z ]{3,20}$", response.Text);

        // Reasoning.Output = None hides the reasoning.
        options.Reasoning.Output = ReasoningOutput.None;
        var hidden = await recorder.GetResponseAsync("Think first.", options);
        Assert.Empty(hidden.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>());
    }

    private static ChatOptions ForcedCallOptions() => new()
    {
        Tools = [GetWeather],
        Temperature = 0.8f,
        Seed = 11,
        MaxOutputTokens = 48,
        RawRepresentationFactory = _ => new Gemma4GenerationOptions { Grammar = WeatherCallGrammar },
    };

    private sealed record WeatherReport(string City, int Days, string Sky, double Temperature);

    /// <summary>Records the exact prompt of every call; after the first call it drops the forcing grammar.</summary>
    private sealed class PromptRecorder(Gemma4ChatClient inner) : DelegatingChatClient(inner)
    {
        public List<string> Prompts { get; } = [];

        public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            Prompts.Add(inner.Formatter.Format(list, options));
            if (Prompts.Count > 1 && options is not null)
            {
                options = options.Clone();
                options.RawRepresentationFactory = _ => new Gemma4GenerationOptions { Grammar = "root ::= [a-z ]{3,12}" };
            }

            return base.GetStreamingResponseAsync(list, options, cancellationToken);
        }

        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);
    }
}
