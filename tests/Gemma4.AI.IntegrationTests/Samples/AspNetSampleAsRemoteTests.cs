using System.Net;
using System.Text;
using System.Text.Json;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Samples;

/// <summary>
/// The ASP.NET sample on both sides of the wire: a second instance runs with its models moved to the first instance by
/// configuration alone (Gemma4:Remote and Gemma4Embeddings:Remote on its command line, no model files), and a busy
/// instance's 503 reaches remote callers as a clear exception.
/// </summary>
[Collection(AspNetSampleServer.Name)]
public sealed class AspNetSampleAsRemoteTests(AspNetSampleFixture engine)
{
    [Fact]
    public async Task Sample_RemoteConfigurationOnly_ServesChatEmbeddingsModelsAndHealthThroughAnotherInstance()
    {
        var v1 = new Uri(engine.BaseAddress, "v1");
        string Remote(string section) =>
            $"--{section}:Remote:Engine OpenAICompatible --{section}:Remote:Endpoint {v1} --{section}:Remote:ApiKey {AspNetSampleFixture.ApiKey}";
        await using var front = await SampleServer.StartAsync("Gemma4.AspNet",
            $"--urls http://127.0.0.1:0 {Remote("Gemma4")} {Remote("Gemma4Embeddings")} --Gemma4Embeddings:Remote:Model gemma-embedding-tiny-test",
            TimeSpan.FromMinutes(2));
        using var http = new HttpClient { BaseAddress = front.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        using var direct = engine.CreateHttpClient();
        const string Request = """{"messages":[{"role":"user","content":"Why is the sky blue?"}],"max_tokens":6,"temperature":0,"reasoning_effort":"low"}""";

        // The same answer as asking the engine instance directly (same model, greedy, thinking switch).
        var viaFront = await PostJsonAsync(http, "/v1/chat/completions", Request);
        var fromEngine = await PostJsonAsync(direct, "/v1/chat/completions", Request);
        Assert.Equal(Message(fromEngine).GetRawText(), Message(viaFront).GetRawText());
        Assert.Equal(6, viaFront.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("gemma4-tiny-test", viaFront.GetProperty("model").GetString());

        // Streaming through the front instance: SSE chunks, usage, [DONE].
        using var stream = await http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), new StringContent(
            """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":4,"seed":2,"stream":true,"stream_options":{"include_usage":true}}""", Encoding.UTF8, "application/json"));
        var events = await stream.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Contains("\"completion_tokens\":4", events, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", events, StringComparison.Ordinal);

        var embeddings = await PostJsonAsync(http, "/v1/embeddings", """{"input":["a","b"],"dimensions":16}""");
        Assert.All(embeddings.GetProperty("data").EnumerateArray(), e => Assert.Equal(16, e.GetProperty("embedding").GetArrayLength()));

        var models = await http.GetStringAsync(new Uri("/v1/models", UriKind.Relative));
        Assert.Contains("gemma4-tiny-test", models, StringComparison.Ordinal);
        var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task RemoteClient_EngineQueueFull_Throws503WithTheEnginesMessage()
    {
        await using var busy = await SampleServer.StartAsync("Gemma4.AspNet",
            "--demo --urls http://127.0.0.1:0 --Gemma4:MaxParallelSequences 1 --Gemma4:MaxQueuedRequests 0 --Gemma4:QueueFullBehavior Throw", TimeSpan.FromMinutes(2));
        using var client = new Gemma4RemoteChatClient(new Gemma4RemoteOptions
        {
            Engine = Gemma4RemoteEngine.OpenAICompatible,
            Endpoint = busy.BaseAddress,
            Model = "gemma4-tiny-test",
            MaxRetries = 0,
        });

        // 1000 forced array items keep the only sequence busy; the stream has started once the first update arrives.
        var schema = JsonSerializer.SerializeToElement(new
        {
            type = "object",
            properties = new { a = new { type = "array", items = new { type = "integer", minimum = 0, maximum = 9 }, minItems = 1000 } },
            required = new[] { "a" },
        });
        using var stop = new CancellationTokenSource();
        await using var running = client.GetStreamingResponseAsync("Numbers", new ChatOptions { MaxOutputTokens = 3000, ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "n") }, stop.Token)
            .GetAsyncEnumerator(stop.Token);
        Assert.True(await running.MoveNextAsync());

        var ex = await Assert.ThrowsAsync<Gemma4RemoteException>(() => client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 2 }));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal("server_overloaded", ex.ErrorCode);
        Assert.Contains("busy or still loading", ex.Message, StringComparison.Ordinal);
        await stop.CancelAsync();
    }

    private static async Task<JsonElement> PostJsonAsync(HttpClient http, string path, string json)
    {
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static JsonElement Message(JsonElement completion) => completion.GetProperty("choices")[0].GetProperty("message");
}
