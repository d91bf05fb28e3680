using System.ClientModel;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Gemma4.AI.IntegrationTests.Samples;

/// <summary>The official OpenAI .NET client, through MEAI's AsIChatClient/AsIEmbeddingGenerator, against the ASP.NET sample.</summary>
[Collection(AspNetSampleServer.Name)]
public sealed class AspNetSampleOpenAIClientTests(AspNetSampleFixture server)
{
    [Fact]
    public async Task GetStreamingResponseAsync_OpenAIClient_StreamsTextAndUsage()
    {
        using var client = ChatClient();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Tell me a story.", new ChatOptions { MaxOutputTokens = 8, Seed = 1 }))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        Assert.True(updates.Count(u => u.Text.Length > 0) >= 2, "text arrives in several chunks");
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(8, response.Usage?.OutputTokenCount);
        Assert.True(response.Usage?.InputTokenCount > 0);
        Assert.Equal("gemma4-tiny-test", response.ModelId);
    }

    [Fact]
    public async Task GetResponseAsync_OpenAIClientWithFunctionInvocation_RoundTripsAToolCall()
    {
        using var client = new ChatClientBuilder(ChatClient()).UseFunctionInvocation().Build();
        var cities = new List<string>();
        var tool = AIFunctionFactory.Create((string city) =>
        {
            cities.Add(city);
            return $"It is sunny in {city}.";
        }, "get_weather", "Gets the current weather for a city.");

        // RequireAny: the server's grammar forces a valid call even from random weights.
        var response = await client.GetResponseAsync("What is the weather in Oslo?", new ChatOptions
        {
            Tools = [tool],
            ToolMode = ChatToolMode.RequireAny,
            AllowMultipleToolCalls = false,
            MaxOutputTokens = 48,
            Seed = 3,
        });

        var city = Assert.Single(cities);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal(city, call.Arguments!["city"]?.ToString());
        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Equal(call.CallId, result.CallId);
        Assert.Equal(ChatRole.Assistant, response.Messages[^1].Role); // the answer after the tool result
        Assert.NotEqual(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task GenerateAsync_OpenAIEmbeddingClient_ReturnsOneUnitVectorPerInput()
    {
        using var generator = new OpenAI.Embeddings.EmbeddingClient("gemma-embedding", new ApiKeyCredential(AspNetSampleFixture.ApiKey), Options())
            .AsIEmbeddingGenerator();

        var embeddings = await generator.GenerateAsync(["The first text.", "A second, different text."]);

        Assert.Equal(2, embeddings.Count);
        Assert.All(embeddings, e =>
        {
            Assert.Equal(128, e.Vector.Length);
            Assert.Equal(1f, TensorPrimitives.Norm(e.Vector.Span), 3);
        });
        Assert.True(TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span) < 0.9999f);
        Assert.True(embeddings.Usage?.InputTokenCount > 0);
    }

    private IChatClient ChatClient() =>
        new OpenAI.Chat.ChatClient("gemma4", new ApiKeyCredential(AspNetSampleFixture.ApiKey), Options()).AsIChatClient();

    private OpenAIClientOptions Options() => new() { Endpoint = new Uri(server.BaseAddress, "v1"), NetworkTimeout = TimeSpan.FromMinutes(2) };
}
