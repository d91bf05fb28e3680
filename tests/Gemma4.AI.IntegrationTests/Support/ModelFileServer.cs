using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gemma4.AI.IntegrationTests.Support;

/// <summary>
/// A Hugging Face stand-in on 127.0.0.1: serves one file at <c>/{repo}/resolve/{revision}/{file}</c> with HTTP Range
/// support, and can misbehave on purpose (drop the connection or stall part-way, answer an error status).
/// </summary>
internal sealed class ModelFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly byte[] _content;
    private readonly string _path;

    private ModelFileServer(WebApplication app, byte[] content, string path)
    {
        _app = app;
        _content = content;
        _path = path;
    }

    public Uri BaseAddress => new(_app.Urls.Single() + "/");

    /// <summary>The Range header of each request, or "" for none.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Responses still to break off: each sends this many body bytes and then aborts the connection.</summary>
    public ConcurrentQueue<int> DropAfter { get; } = new();

    /// <summary>When set, responses stall (until the client gives up) after this many body bytes.</summary>
    public int? StallAfter { get; set; }

    /// <summary>Completes when a response has stalled.</summary>
    public TaskCompletionSource Stalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, every request is answered with this status and no body.</summary>
    public int? Status { get; set; }

    public static async Task<ModelFileServer> StartAsync(byte[] content, string repository, string fileName, string revision = "main")
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ModelFileServer(app, content, $"/{repository}/resolve/{revision}/{fileName}");
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
        var range = context.Request.Headers.Range.ToString();
        Requests.Enqueue(range);
        if (Status is { } status)
        {
            context.Response.StatusCode = status;
            return;
        }

        if (context.Request.Path != _path)
        {
            context.Response.StatusCode = 404;
            return;
        }

        long from = 0;
        if (range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            from = long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
            if (from >= _content.Length)
            {
                context.Response.StatusCode = 416;
                context.Response.Headers.ContentRange = $"bytes */{_content.Length}";
                return;
            }

            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {from}-{_content.Length - 1}/{_content.Length}";
        }

        context.Response.Headers.AcceptRanges = "bytes";
        context.Response.ContentLength = _content.Length - from;
        var body = _content.AsMemory((int)from);
        if (DropAfter.TryDequeue(out var drop))
        {
            await context.Response.Body.WriteAsync(body[..Math.Min(drop, body.Length)]);
            await context.Response.Body.FlushAsync();
            await Task.Delay(100); // let the bytes arrive before the reset (which may still discard some)
            context.Abort(); // the client sees the body end early
            return;
        }

        if (StallAfter is { } stall)
        {
            await context.Response.Body.WriteAsync(body[..Math.Min(stall, body.Length)]);
            await context.Response.Body.FlushAsync();
            Stalled.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        await context.Response.Body.WriteAsync(body);
    }
}
