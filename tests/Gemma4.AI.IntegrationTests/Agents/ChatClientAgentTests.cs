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

        var forced = new ForcedToolCall("get_weather", "city", "oslo");
        var options = new ChatClientAgentRunOptions(new ChatOptions { ToolMode = ChatToolMode.RequireAny, RawRepresentationFactory = forced.Factory });
        var response = await agent.RunAsync("What is the weather in Oslo?", session: null, options);

        Assert.Equal(["oslo"], cities);
        Assert.Equal(2, forced.Requests);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("oslo", call.Arguments!["city"]?.ToString());
        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Equal(call.CallId, result.CallId);
        Assert.Equal(ChatRole.Assistant, response.Messages[^1].Role);
    }
}
