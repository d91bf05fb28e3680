using System.Globalization;
using System.Net.Http.Json;
using System.Numerics.Tensors;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gemma4.AI.IntegrationTests.Hosting;

/// <summary>An ASP.NET Core minimal API on 127.0.0.1 serving chat and embeddings from one configured tiny model.</summary>
public sealed class WebApplicationTests
{
    private const int Requests = 32;

    [Fact]
    public async Task MinimalApi_32ConcurrentChatRequests_EachGetsItsOwnAnswer()
    {
        await using var app = BuildApp(HostingModels.Configuration(parallel: 8));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromMinutes(5) };

        // Random weights answer noise, so each request's grammar forces a distinct answer: any mixing of sequences,
        // sampler chains or output streams between requests shows up as a wrong answer.
        var expected = Enumerable.Range(0, Requests).Select(Answer).ToArray();
        var responses = await Task.WhenAll(expected.Select((answer, i) => http.PostAsJsonAsync("/chat", new ChatRequest(Prompt(i), answer))));
        var answers = await Task.WhenAll(responses.Select(async r =>
        {
            r.EnsureSuccessStatusCode();
            return await r.Content.ReadFromJsonAsync<ChatReply>();
        }));

        for (var i = 0; i < Requests; i++)
        {
            Assert.Equal(expected[i], answers[i]!.Text);
            Assert.Equal("gemma4-tiny-test", answers[i]!.ModelId);
            Assert.True(answers[i]!.OutputTokens > 0);
        }

        var health = await http.GetStringAsync("/health");
        Assert.Equal("Healthy", health);
        await app.StopAsync();
    }

    [Fact]
    public async Task MinimalApi_32ConcurrentEmbeddingRequestsBesideChat_EachGetsItsOwnVector()
    {
        await using var app = BuildApp(HostingModels.Configuration(parallel: 8));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromMinutes(5) };
        var texts = Enumerable.Range(0, Requests).Select(Prompt).Select((p, i) => $"{p} text {i}").ToArray();

        // Each text alone first: the reference vectors.
        var solo = new float[Requests][];
        for (var i = 0; i < Requests; i++)
        {
            solo[i] = await Embed(http, texts[i]);
        }

        // Then all at once, with chat requests on the same shared model in between.
        var embeddings = texts.Select(t => Embed(http, t)).ToArray();
        var chats = Enumerable.Range(0, 8).Select(i => http.PostAsJsonAsync("/chat", new ChatRequest(Prompt(i), Answer(i)))).ToArray();
        var together = await Task.WhenAll(embeddings);
        await Task.WhenAll(chats);

        for (var i = 0; i < Requests; i++)
        {
            // llama.cpp's batched arithmetic differs from a solo decode in the last bits only; the nearest solo vector
            // must be this request's own (a mixed-up result would be nearest to another text's).
            var similarities = solo.Select(s => TensorPrimitives.CosineSimilarity(s, together[i])).ToArray();
            Assert.True(similarities[i] > 0.999f, $"request {i}: cosine {similarities[i]} to its solo vector");
            Assert.Equal(i, Array.IndexOf(similarities, similarities.Max()));
        }

        foreach (var chat in chats)
        {
            (await chat).EnsureSuccessStatusCode();
        }

        var health = await http.GetStringAsync("/health");
        Assert.Equal("Healthy", health);
        await app.StopAsync();
    }

    [Fact]
    public async Task MinimalApi_InvalidConfiguration_FailsToStartNamingTheSetting()
    {
        var config = HostingModels.Configuration();
        config["Gemma4:Threads"] = "0";
        await using var app = BuildApp(config);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        var message = TestHosts.AllMessages(ex);
        Assert.Contains("Gemma4:Threads", message, StringComparison.Ordinal);
        Assert.Contains("Gemma4ModelOptions.Threads must be between 1 and", message, StringComparison.Ordinal);
    }

    private static WebApplication BuildApp(Dictionary<string, string?> configuration)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddGemma4ChatClient(builder.Configuration.GetSection("Gemma4"));
        builder.Services.AddGemma4EmbeddingGenerator(builder.Configuration.GetSection("Gemma4"));
        builder.Services.AddHealthChecks().AddCheck<Gemma4HealthCheck>("gemma4");

        var app = builder.Build();
        app.MapPost("/chat", async (ChatRequest request, IChatClient client, CancellationToken ct) =>
        {
            var response = await client.GetResponseAsync(request.Prompt, HostingModels.Forcing(request.Answer), ct);
            return new ChatReply(response.Text, response.ModelId, response.Usage?.OutputTokenCount ?? 0);
        });
        app.MapPost("/embed", async (EmbedRequest request, IEmbeddingGenerator<string, Embedding<float>> generator, CancellationToken ct) =>
            (await generator.GenerateAsync([request.Text], cancellationToken: ct))[0].Vector.ToArray());
        app.MapHealthChecks("/health");
        return app;
    }

    private static string Answer(int i) => $"answer {i} {new string((char)('a' + (i % 26)), 4 + (i % 5))}";

    // Prompts of different lengths, some sharing prefixes, so admission and prefill interleave.
    private static string Prompt(int i) => string.Concat(Enumerable.Repeat($"request {i.ToString(CultureInfo.InvariantCulture)} asks ", 1 + (i % 7)));

    private static async Task<float[]> Embed(HttpClient http, string text)
    {
        var response = await http.PostAsJsonAsync("/embed", new EmbedRequest(text));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<float[]>())!;
    }

    private sealed record ChatRequest(string Prompt, string Answer);

    private sealed record EmbedRequest(string Text);

    private sealed record ChatReply(string Text, string? ModelId, long OutputTokens);
}
