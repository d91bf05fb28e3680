using System.Collections.Concurrent;
using System.ComponentModel;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Gemma4.AI.IntegrationTests.Agents;

/// <summary>Microsoft Agent Framework's ChatClientAgent over the Gemma 4 client from DI.</summary>
public sealed class ChatClientAgentTests
{
    [Fact]
    public async Task RunAsync_RequireAnyToolMode_InvokesToolAndAnswers()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddGemma4ChatClient(o => HostingModels.Configure(o));
        await using var provider = services.BuildServiceProvider();
        var cities = new ConcurrentQueue<string>();
        var tool = AIFunctionFactory.Create(
            ([Description("The city name")] string city) =>
            {
                cities.Enqueue(city);
                return $"It is sunny in {city}.";
            },
            "get_weather",
            "Gets the current weather for a city.");
        var agent = new ChatClientAgent(
            provider.GetRequiredService<IChatClient>(),
            instructions: "You answer weather questions.",
            name: "weather",
            tools: [tool]);

        // RequireAny makes the client's tool-call grammar force a call even on random weights; the string limit lets
        // the random model close the city string. The invocation loop relaxes the mode after the call.
        var options = new ChatClientAgentRunOptions(new ChatOptions
        {
            ToolMode = ChatToolMode.RequireAny,
            AllowMultipleToolCalls = false,
            Seed = 3,
            MaxOutputTokens = 24,
            RawRepresentationFactory = _ => new Gemma4GenerationOptions { MaxConstrainedStringLength = 12 },
        });
        var response = await agent.RunAsync("What is the weather in Oslo?", session: null, options);

        var city = Assert.Single(cities);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal(city, call.Arguments!["city"]?.ToString());
        Assert.InRange(city.Length, 0, 12);
        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Equal(call.CallId, result.CallId);
        Assert.Equal(ChatRole.Assistant, response.Messages[^1].Role);
    }
}
