using System.Text.Json;
using Gemma4.AI.IntegrationTests.Embeddings;
using Gemma4.AI.IntegrationTests.Samples;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Remote;

/// <summary>
/// <see cref="Gemma4RemoteChatClient"/> and <see cref="Gemma4RemoteEmbeddingGenerator"/> against the Gemma4.AspNet sample
/// serving the tiny model as a real HTTP server, in each OpenAI-shaped dialect the sample understands: answers match
/// the same requests answered in-process, token for token (same model, seed and template).
/// </summary>
[Collection(AspNetSampleServer.Name)]
public sealed class RemoteClientAgainstSampleTests(AspNetSampleFixture server, DemoModels local) : IClassFixture<DemoModels>
{
    public static TheoryData<Gemma4RemoteEngine> Engines => [Gemma4RemoteEngine.OpenAICompatible, Gemma4RemoteEngine.Vllm, Gemma4RemoteEngine.LlamaServer];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task GetResponseAsync_ThinkingUnsetOffAndOn_AnswersAsTheInProcessClient(Gemma4RemoteEngine engine)
    {
        using var remote = Client(engine);
        using var inProcess = new Gemma4ChatClient(local.Chat);
        var answers = new List<string>();
        foreach (var effort in new ReasoningEffort?[] { null, ReasoningEffort.None, ReasoningEffort.Medium })
        {
            // Greedy: with random weights, sampling at temperature 1 turns the last-bit differences between a prompt
            // decoded fresh and one reusing cached KV into other tokens; the argmax does not move.
            var options = new ChatOptions { MaxOutputTokens = 12, Temperature = 0, Reasoning = effort is null ? null : new ReasoningOptions { Effort = effort } };

            var expected = await inProcess.GetResponseAsync("Why is the sky blue?", options);
            var actual = await remote.GetResponseAsync("Why is the sky blue?", options);

            Assert.Equal(Describe(expected), Describe(actual));
            Assert.Equal(expected.FinishReason, actual.FinishReason);
            Assert.Equal(expected.Usage?.OutputTokenCount, actual.Usage?.OutputTokenCount);
            Assert.Equal(expected.Usage?.InputTokenCount, actual.Usage?.InputTokenCount);
            Assert.Equal("gemma4-tiny-test", actual.ModelId);
            answers.Add(Describe(expected));
        }

        // Unset is off, as in-process; on renders another prompt, so the switch is visible in the answer.
        Assert.Equal(answers[0], answers[1]);
        Assert.NotEqual(answers[1], answers[2]);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task GetStreamingResponseAsync_Streamed_SameAnswerAsNotStreamedInSeveralUpdates(Gemma4RemoteEngine engine)
    {
        using var remote = Client(engine);
        var options = new ChatOptions { MaxOutputTokens = 10, Temperature = 0, Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low } };

        var whole = await remote.GetResponseAsync("Tell me a story.", options);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in remote.GetStreamingResponseAsync("Tell me a story.", options))
        {
            updates.Add(update);
        }

        var streamed = updates.ToChatResponse();
        Assert.True(updates.Count(u => u.Contents.Any(c => c is TextContent or TextReasoningContent)) >= 2, "the answer arrives in several updates");
        Assert.Equal(Describe(whole), Describe(streamed));
        Assert.Equal(ChatFinishReason.Length, streamed.FinishReason);
        Assert.Equal(10, streamed.Usage?.OutputTokenCount);
        Assert.All(updates, u => Assert.Equal(updates[0].ResponseId, u.ResponseId));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task GetResponseAsync_FunctionInvocation_RoundTripsAToolCall(Gemma4RemoteEngine engine)
    {
        using var client = new ChatClientBuilder(Client(engine)).UseFunctionInvocation().Build();
        var cities = new List<string>();
        var tool = AIFunctionFactory.Create((string city) =>
        {
            cities.Add(city);
            return $"It is sunny in {city}.";
        }, "get_weather", "Gets the current weather for a city.");

        // RequireAny: the sample's grammar forces a valid call even from random weights; thinking on, so the call's
        // reasoning (if any) goes back in the engine's field in the second request.
        var response = await client.GetResponseAsync("What is the weather in Oslo?", new ChatOptions
        {
            Tools = [tool],
            ToolMode = ChatToolMode.RequireAny,
            AllowMultipleToolCalls = false,
            MaxOutputTokens = 48,
            Seed = 3,
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Medium },
        });

        var city = Assert.Single(cities);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal(city, call.Arguments!["city"]?.ToString());
        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Equal(call.CallId, result.CallId);
        Assert.Equal(ChatRole.Assistant, response.Messages[^1].Role);
        Assert.NotEqual(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task GetResponseAsync_JsonSchema_AnswersJsonOfThatShape(Gemma4RemoteEngine engine)
    {
        using var remote = Client(engine);
        var schema = JsonSerializer.SerializeToElement(new
        {
            type = "object",
            properties = new { n = new { type = "integer", minimum = 0, maximum = 99 } },
            required = new[] { "n" },
        });

        var response = await remote.GetResponseAsync("Pick a number.", new ChatOptions
        {
            ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "pick"),
            MaxOutputTokens = 32,
            Seed = 4,
        });

        using var json = JsonDocument.Parse(response.Text);
        Assert.InRange(json.RootElement.GetProperty("n").GetInt32(), 0, 99);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task GenerateAsync_Embeddings_SameUnitVectorsAsInProcess(Gemma4RemoteEngine engine)
    {
        using var remote = new Gemma4RemoteEmbeddingGenerator(Options(engine, model: "gemma-embedding"));
        using var inProcess = new Gemma4EmbeddingGenerator(local.Embeddings, new Gemma4EmbeddingGeneratorOptions { Threads = 1 });
        string[] texts = ["The first text.", "A second, different text."];

        var expected = await inProcess.GenerateAsync(texts, new EmbeddingGenerationOptions { Dimensions = 64 });
        var actual = await remote.GenerateAsync(texts, new EmbeddingGenerationOptions { Dimensions = 64 });

        Assert.Equal(2, actual.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(64, actual[i].Vector.Length);
            Assert.Equal(1.0, Vectors.Norm(actual[i].Vector.Span), 4);
            for (var j = 0; j < 64; j++)
            {
                Assert.Equal(expected[i].Vector.Span[j], actual[i].Vector.Span[j], 4);
            }
        }

        Assert.True(actual.Usage?.InputTokenCount > 0);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledMidStream_ThrowsAndTheServerServesTheNextRequest()
    {
        using var remote = Client(Gemma4RemoteEngine.OpenAICompatible);
        using var cancel = new CancellationTokenSource();
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in remote.GetStreamingResponseAsync("Count to a thousand.", new ChatOptions { MaxOutputTokens = 2000, Seed = 1 }, cancel.Token))
            {
                if (update.Contents.Count > 0 && ++received == 1)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.Equal(1, received);
        var next = await remote.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 3, Seed = 1 });
        Assert.Equal(3, next.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task ProbeAsync_NoModelConfigured_TakesTheModelTheServerLists()
    {
        using var remote = new Gemma4RemoteChatClient(Options(Gemma4RemoteEngine.OpenAICompatible, model: null));

        var description = await remote.ProbeAsync();

        Assert.Contains("gemma4-tiny-test", description, StringComparison.Ordinal);
        Assert.Equal("gemma4-tiny-test", remote.Model);
        Assert.Equal("gemma4-tiny-test", remote.GetService<ChatClientMetadata>()?.DefaultModelId);
    }

    [Fact]
    public async Task GetResponseAsync_WrongApiKey_ThrowsNamingTheSetting()
    {
        var options = Options(Gemma4RemoteEngine.Vllm);
        options.ApiKey = "wrong";
        using var remote = new Gemma4RemoteChatClient(options);

        var ex = await Assert.ThrowsAsync<Gemma4RemoteException>(() => remote.GetResponseAsync("Hi"));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("Gemma4:Remote:ApiKey", ex.Message, StringComparison.Ordinal);
    }

    private Gemma4RemoteChatClient Client(Gemma4RemoteEngine engine) => new(Options(engine));

    private Gemma4RemoteOptions Options(Gemma4RemoteEngine engine, string? model = "gemma4-tiny-test") => new()
    {
        Engine = engine,
        Endpoint = new Uri(server.BaseAddress, "v1"),
        Model = model,
        ApiKey = AspNetSampleFixture.ApiKey,
        Timeout = TimeSpan.FromMinutes(1),
        MaxRetries = 0,
    };

    // Text and reasoning, as one string to compare.
    private static string Describe(ChatResponse response) =>
        $"reasoning: {string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text))} | text: {response.Text}";
}
