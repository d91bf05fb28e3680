using System.Net;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gemma4.AI.IntegrationTests.Samples;

/// <summary>
/// The ASP.NET sample with <c>Server:AllowRemoteMedia</c> on (a 20,000-byte, 2-second bound) and a vision-only
/// projector, fetching image_urls from a picture server on 127.0.0.1: what it fetches reaches the model, and every failed
/// fetch, oversized image or non-image answer is a 400 naming the field, as is audio for a model that hears none.
/// </summary>
public sealed class AspNetSampleRemoteMediaTests(AspNetSampleRemoteMediaTests.Servers servers) : IClassFixture<AspNetSampleRemoteMediaTests.Servers>
{
    private const int MaxBytes = 20_000;

    [Fact]
    public async Task ImageUrl_FetchedWhenAllowed_ReachesTheModel_AlsoThroughARedirect()
    {
        using var http = servers.Client();

        var direct = await PostAsync(http, Image("small.png"));
        var redirected = await PostAsync(http, Image("redirect"));

        Assert.Equal(HttpStatusCode.OK, direct.Status);
        Assert.Equal(HttpStatusCode.OK, redirected.Status);
        Assert.Contains("\"prompt_tokens\":", direct.Body, StringComparison.Ordinal);
        Assert.Equal(1, servers.Pictures.Hits("small.png") - servers.Pictures.Hits("redirect"));
    }

    /// <summary>(path, words of the 400's message).</summary>
    public static TheoryData<string, string> BadFetches => new()
    {
        { "missing.png", "returned HTTP 404" },
        { "page.html", "returned 'text/html', not an image" },
        { "large.png", "larger than 20,000 bytes (Server:RemoteMediaMaxBytes)" },
        { "large-unsized.png", "larger than 20,000 bytes (Server:RemoteMediaMaxBytes)" },
        { "slow.png", "took longer than 2 s (Server:RemoteMediaTimeoutSeconds)" },
        { "corrupt.png", "Message 0 (user) content 1: the 'image/png' data cannot be used" },
    };

    [Theory]
    [MemberData(nameof(BadFetches))]
    public async Task ImageUrl_BadFetch_Returns400NamingTheUrlField(string path, string message)
    {
        using var http = servers.Client();

        var (status, body) = await PostAsync(http, Image(path));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"param\":\"messages[0].content[1].image_url.url\"", body, StringComparison.Ordinal);
        Assert.Contains(message, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImageUrl_UnreachableHost_Returns400()
    {
        using var http = servers.Client();

        var (status, body) = await PostAsync(http, """{"type":"image_url","image_url":{"url":"http://127.0.0.1:1/nothing.png"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("could not be fetched", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InputAudio_ForAModelWithoutAnAudioEncoder_Returns400SayingSo()
    {
        using var http = servers.Client();

        var (status, body) = await PostAsync(http, $$$"""{"type":"input_audio","input_audio":{"data":"{{{Convert.ToBase64String(TestMedia.Wav(0.2))}}}","format":"wav"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"param\":\"messages[0].content[1]\"", body, StringComparison.Ordinal);
        Assert.Contains("takes no audio: it was started without a projector with an audio encoder", body, StringComparison.Ordinal);
    }

    private string Image(string path) => $$$"""{"type":"image_url","image_url":{"url":"{{{new Uri(servers.Pictures.BaseAddress, path)}}}"}}""";

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient http, string part)
    {
        using var response = await OpenAIWire.Post(http, "/v1/chat/completions",
            $$$"""{"messages":[{"role":"user","content":[{"type":"text","text":"Look:"},{{{part}}}]}],"max_tokens":2}""");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The picture server and the sample started with remote media on.</summary>
    public sealed class Servers : IAsyncLifetime
    {
        private SampleServer? _sample;

        public PictureServer Pictures { get; private set; } = null!;

        public HttpClient Client() => new() { BaseAddress = _sample!.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

        public async Task InitializeAsync()
        {
            Pictures = await PictureServer.StartAsync();
            _sample = await SampleServer.StartAsync("Gemma4.AspNet",
                $"--demo --urls http://127.0.0.1:0 --Server:EmbeddingModel none --Server:AllowRemoteMedia true --Server:RemoteMediaMaxBytes {MaxBytes} "
                + $"--Server:RemoteMediaTimeoutSeconds 2 --Gemma4:ProjectorPath \"{TestModels.TestModels.Projector(TinyProjectorSpec.VisionOnly)}\"",
                TimeSpan.FromMinutes(2));
        }

        public async Task DisposeAsync()
        {
            if (_sample is not null)
            {
                await _sample.DisposeAsync();
            }

            await Pictures.DisposeAsync();
        }
    }

    /// <summary>Pictures (and failures) on 127.0.0.1.</summary>
    public sealed class PictureServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly Dictionary<string, int> _hits = [];

        private PictureServer(WebApplication app) => _app = app;

        public Uri BaseAddress => new(_app.Urls.Single() + "/");

        public int Hits(string path)
        {
            lock (_hits)
            {
                return _hits.GetValueOrDefault(path);
            }
        }

        public static async Task<PictureServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var server = new PictureServer(app);
            app.Run(server.ServeAsync);
            await app.StartAsync();
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private async Task ServeAsync(HttpContext context)
        {
            var path = context.Request.Path.Value!.TrimStart('/');
            lock (_hits)
            {
                _hits[path] = _hits.GetValueOrDefault(path) + 1;
            }

            var small = TestMedia.Png(48, 32);
            var large = TestMedia.Png(200, 100); // about 60 KB: over the bound
            switch (path)
            {
                case "small.png":
                    await Send(context, small, "image/png");
                    break;
                case "redirect":
                    context.Response.Redirect("/small.png");
                    break;
                case "page.html":
                    await Send(context, "<html></html>"u8.ToArray(), "text/html");
                    break;
                case "large.png":
                    await Send(context, large, "image/png");
                    break;
                case "large-unsized.png":
                    context.Response.ContentType = "image/png"; // no Content-Length: sent chunked
                    for (var i = 0; i < large.Length; i += 4096)
                    {
                        await context.Response.Body.WriteAsync(large.AsMemory(i, Math.Min(4096, large.Length - i)));
                        await context.Response.Body.FlushAsync();
                    }

                    break;
                case "slow.png":
                    await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                    break;
                case "corrupt.png":
                    await Send(context, small.AsSpan(0, small.Length / 2).ToArray(), "image/png");
                    break;
                default:
                    context.Response.StatusCode = 404;
                    break;
            }
        }

        private static async Task Send(HttpContext context, byte[] body, string type)
        {
            context.Response.ContentType = type;
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body);
        }
    }
}
