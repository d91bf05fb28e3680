using System.Collections.Concurrent;
using System.ComponentModel;
using System.Text.Json;
using Gemma4.AI.IntegrationTests.Samples;
using Gemma4.AI.IntegrationTests.SemanticKernel;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Gemma4.AI.IntegrationTests.Remote;

/// <summary>
/// The same registrations (AddGemma4ChatClient, AddGemma4EmbeddingGenerator, the Semantic Kernel variants) with a
/// <c>Remote</c> section instead of a model file, against the ASP.NET sample: same service types, same builder, host
/// start-up probe, health check; Semantic Kernel and Microsoft Agent Framework on top unchanged.
/// </summary>
[Collection(AspNetSampleServer.Name)]
public sealed class RemoteRegistrationTests(AspNetSampleFixture server)
{
    [Fact]
    public async Task AddGemma4ChatClient_RemoteSection_RegistersTheRemoteClientBehindTheSameBuilder()
    {
        using var host = Host(RemoteSection("Gemma4"), (services, configuration) =>
            services.AddGemma4ChatClient(configuration.GetSection("Gemma4")).UseFunctionInvocation());
        await host.StartAsync(); // probes the engine instead of loading a file

        var client = host.Services.GetRequiredService<IChatClient>();
        Assert.NotNull(client.GetService<FunctionInvokingChatClient>());
        var remote = client.GetService<Gemma4RemoteChatClient>();
        Assert.NotNull(remote);
        Assert.Equal(Gemma4RemoteEngine.Vllm, remote.Engine);
        var response = await client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 4, Seed = 1 });
        Assert.Equal(4, response.Usage?.OutputTokenCount);
        Assert.Equal("gemma4-tiny-test", response.ModelId);

        var health = await CheckHealthAsync(host);
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Contains("gemma4-tiny-test", (string)health.Data["chat"], StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddGemma4EmbeddingGenerator_RemoteSection_GeneratesThroughTheEngine()
    {
        var configuration = RemoteSection("Gemma4Embeddings", model: "gemma-embedding-tiny-test");
        configuration["Gemma4Embeddings:Embeddings:Dimensions"] = "32";
        using var host = Host(configuration, (services, c) => services.AddGemma4EmbeddingGenerator(c.GetSection("Gemma4Embeddings")));
        await host.StartAsync();

        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var embeddings = await generator.GenerateAsync(["one", "two"]);

        Assert.NotNull(generator.GetService<Gemma4RemoteEmbeddingGenerator>());
        Assert.All(embeddings, e => Assert.Equal(32, e.Vector.Length));
        await host.StopAsync();
    }

    [Fact]
    public async Task AddGemma4TextEmbeddingGeneration_KeyedRemoteSection_ServesBothSemanticKernelInterfaces()
    {
        var configuration = RemoteSection("Docs", model: "gemma-embedding-tiny-test");
        configuration["Docs:Embeddings:Dimensions"] = "24";
        using var host = Host(configuration, (services, c) => services.AddGemma4TextEmbeddingGeneration(c.GetSection("Docs"), serviceId: "docs"));
        await host.StartAsync();

#pragma warning disable CS0618, SKEXP0001 // the obsolete SK interface is what older SK code resolves; it is covered on purpose
        var service = host.Services.GetRequiredKeyedService<Microsoft.SemanticKernel.Embeddings.ITextEmbeddingGenerationService>("docs");
        var vectors = await service.GenerateEmbeddingsAsync(["one"]);
#pragma warning restore CS0618, SKEXP0001
        var generator = host.Services.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("docs");

        Assert.Equal(24, Assert.Single(vectors).Length);
        Assert.NotNull(generator.GetService<Gemma4RemoteEmbeddingGenerator>());
        var health = await CheckHealthAsync(host);
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Contains("gemma-embedding-tiny-test", (string)health.Data["embeddings[docs]"], StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task StartAsync_RemoteModelNotServed_StopsNamingTheModelAndWhatIsServed()
    {
        using var host = Host(RemoteSection("Gemma4", model: "google/gemma-4-31B-it"), (services, c) => services.AddGemma4ChatClient(c.GetSection("Gemma4")));

        var ex = await Assert.ThrowsAsync<Gemma4RemoteException>(() => host.StartAsync());

        Assert.Contains("Gemma4 chat:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not serve the model 'google/gemma-4-31B-it'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'gemma4-tiny-test'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_RemoteEngineUnreachable_StartsAndReportsUnhealthyNamingTheEndpoint()
    {
        // Nothing listens on this port: connections are refused. Start-up logs it and goes on; the check says so.
        var port = ClosedPort();
        var configuration = new Dictionary<string, string?>
        {
            ["Gemma4:Remote:Engine"] = "LlamaServer",
            ["Gemma4:Remote:Endpoint"] = $"http://127.0.0.1:{port}",
            ["Gemma4:Remote:Model"] = "gemma-4-e4b",
            ["Gemma4:Remote:MaxRetries"] = "0",
        };
        using var host = Host(configuration, (services, c) => services.AddGemma4ChatClient(c.GetSection("Gemma4")));
        await host.StartAsync();

        var health = await CheckHealthAsync(host);

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains($"http://127.0.0.1:{port}/v1/", health.Description, StringComparison.Ordinal);
        Assert.Contains("could not be reached", health.Description, StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task StartAsync_RemoteEndpointInvalid_FailsValidationNamingTheKey()
    {
        var configuration = new Dictionary<string, string?> { ["Gemma4:Remote:Endpoint"] = "localhost:8000", ["Gemma4:Remote:Enigne"] = "Vllm" };
        using var host = Host(configuration, (services, c) => services.AddGemma4ChatClient(c.GetSection("Gemma4")));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        var message = TestHosts.AllMessages(ex);
        Assert.Contains("'Gemma4:Remote:Enigne'", message, StringComparison.Ordinal); // a typo is not silently ignored
    }

    [Fact]
    public async Task AddGemma4ChatCompletion_RemoteWithAutoFunctionChoice_SendsThePluginAsAToolAndAnswers()
    {
        var requests = new ConcurrentQueue<string>();
        var services = new ServiceCollection();
        services.AddLogging();
        services.ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler(() => new CapturingHandler(requests)));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(RemoteSection("Gemma4")).Build();
        services.AddGemma4ChatCompletion(configuration.GetSection("Gemma4"));
        services.AddKernel().Plugins.AddFromType<WeatherPlugin>("weather");
        await using var provider = services.BuildServiceProvider();
        var kernel = provider.GetRequiredService<Kernel>();
        var chat = kernel.GetRequiredService<IChatCompletionService>();

        var settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(), ExtensionData = new Dictionary<string, object> { ["max_tokens"] = 12 } };
        var history = new ChatHistory("You are a weather assistant.");
        history.AddUserMessage("What is the weather in Paris?");
        var reply = await chat.GetChatMessageContentAsync(history, settings, kernel);

        Assert.Equal(AuthorRole.Assistant, reply.Role);
        Assert.Equal("gemma4-tiny-test", reply.ModelId);
        Assert.True(requests.TryDequeue(out var first), "a request reached the engine");
        using var body = JsonDocument.Parse(first);
        Assert.Equal("auto", body.RootElement.GetProperty("tool_choice").GetString());
        var tool = Assert.Single(body.RootElement.GetProperty("tools").EnumerateArray());
        Assert.Equal("weather_get_weather", tool.GetProperty("function").GetProperty("name").GetString());
        Assert.False(body.RootElement.GetProperty("chat_template_kwargs").GetProperty("enable_thinking").GetBoolean());
    }

    [Fact]
    public async Task AddGemma4ChatCompletion_RemoteWithRequiredFunctionChoice_CallsThePlugin()
    {
        var builder = Kernel.CreateBuilder();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(RemoteSection("Gemma4")).Build();
        builder.AddGemma4ChatCompletion(configuration.GetSection("Gemma4"), serviceId: "gemma");
        var plugin = new WeatherPlugin();
        builder.Plugins.AddFromObject(plugin, "weather");
        var kernel = builder.Build();
        using var services = (ServiceProvider)kernel.Services;

        // Required maps to ToolMode RequireAny: the sample's grammar forces a call (its strings capped by the demo's settings).
        // Greedy and room enough for the whole call: a call the token limit cuts is no call (docs/contracts.md).
        var settings = new PromptExecutionSettings
        {
            ServiceId = "gemma",
            FunctionChoiceBehavior = FunctionChoiceBehavior.Required(),
            ExtensionData = new Dictionary<string, object> { ["max_tokens"] = 160, ["temperature"] = 0.0 },
        };
        var result = await kernel.InvokePromptAsync("What is the weather in Paris?", new KernelArguments(settings));

        var final = result.GetValue<ChatMessageContent>();
        Assert.Single(plugin.Cities);
        Assert.NotNull(final);
        Assert.Equal("gemma4-tiny-test", final.ModelId);
    }

    [Fact]
    public async Task ChatClientAgent_OverARemoteRegistration_InvokesItsToolAndAnswers()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(RemoteSection("Gemma4")).Build();
        services.AddGemma4ChatClient(configuration.GetSection("Gemma4"));
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
        var agent = new ChatClientAgent(provider.GetRequiredService<IChatClient>(), instructions: "You answer weather questions.", name: "weather", tools: [tool]);

        var response = await agent.RunAsync("What is the weather in Oslo?", session: null, new ChatClientAgentRunOptions(new ChatOptions
        {
            ToolMode = ChatToolMode.RequireAny,
            AllowMultipleToolCalls = false,
            Seed = 3,
            MaxOutputTokens = 24,
        }));

        var city = Assert.Single(cities);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<Microsoft.Extensions.AI.FunctionCallContent>());
        Assert.Equal(city, call.Arguments!["city"]?.ToString());
        Assert.Equal(ChatRole.Assistant, response.Messages[^1].Role);
    }

    private Dictionary<string, string?> RemoteSection(string section, string model = "gemma4-tiny-test") => new()
    {
        [$"{section}:Remote:Engine"] = "Vllm",
        [$"{section}:Remote:Endpoint"] = new Uri(server.BaseAddress, "v1").ToString(),
        [$"{section}:Remote:Model"] = model,
        [$"{section}:Remote:ApiKey"] = AspNetSampleFixture.ApiKey,
        [$"{section}:Remote:Timeout"] = "00:01:00",
    };

    private static IHost Host(Dictionary<string, string?> configuration, Action<IServiceCollection, IConfiguration> register) =>
        TestHosts.Build(configuration, (services, c) =>
        {
            register(services, c);
            services.AddHealthChecks().AddCheck<Gemma4HealthCheck>("gemma4");
        });

    private static async Task<HealthReportEntry> CheckHealthAsync(IHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["gemma4"];
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port; // free again once the listener stops
    }

    /// <summary>Keeps the JSON bodies the remote client sends.</summary>
    private sealed class CapturingHandler(ConcurrentQueue<string> bodies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null && request.RequestUri?.AbsolutePath.EndsWith("/chat/completions", StringComparison.Ordinal) == true)
            {
                bodies.Enqueue(await request.Content.ReadAsStringAsync(cancellationToken));
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
