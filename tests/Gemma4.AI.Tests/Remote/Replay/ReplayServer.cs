using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gemma4.AI.Tests.Remote.Replay;

/// <summary>
/// A loopback HTTP server that plays an engine from a transcript: each request must match the next exchange's request
/// (method, path, headers, body field by field), and is answered with that exchange's response byte for byte, flushed at
/// SSE/NDJSON event boundaries, optionally cut off mid-body (a connection reset) or stalled.
/// </summary>
public sealed class ReplayServer : IAsyncDisposable
{
    private readonly Transcript _transcript;
    private readonly Queue<JsonObject> _exchanges;
    private readonly List<string> _failures = [];
    private WebApplication? _app;

    private ReplayServer(Transcript transcript)
    {
        _transcript = transcript;
        _exchanges = new Queue<JsonObject>(transcript.Exchanges);
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What did not match (request differences, requests beyond the transcript).</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_failures)
            {
                return [.. _failures];
            }
        }
    }

    /// <summary>Exchanges the client never asked for.</summary>
    public int Unused
    {
        get
        {
            lock (_exchanges)
            {
                return _exchanges.Count;
            }
        }
    }

    public static async Task<ReplayServer> StartAsync(Transcript transcript)
    {
        var server = new ReplayServer(transcript);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server._app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        JsonObject? exchange;
        lock (_exchanges)
        {
            exchange = _exchanges.Count > 0 ? _exchanges.Dequeue() : null;
        }

        if (exchange is null)
        {
            Fail($"unexpected request {context.Request.Method} {context.Request.Path}: the transcript has no more exchanges. Body: {body}");
            context.Response.StatusCode = 500;
            return;
        }

        CheckRequest(exchange["request"] as JsonObject ?? [], context.Request, body);
        await RespondAsync(exchange["response"] as JsonObject ?? throw new InvalidDataException($"{_transcript.Path}: an exchange needs a response."), context);
    }

    private void CheckRequest(JsonObject expected, HttpRequest request, string body)
    {
        var method = expected["method"]?.GetValue<string>() ?? "POST";
        if (!string.Equals(method, request.Method, StringComparison.OrdinalIgnoreCase))
        {
            Fail($"expected {method}, got {request.Method} {request.Path}");
        }

        if (expected["path"]?.GetValue<string>() is { } path && path != request.Path.Value)
        {
            Fail($"expected the path {path}, got {request.Path}");
        }

        foreach (var (name, value) in expected["headers"] as JsonObject ?? [])
        {
            var actual = request.Headers[name].ToString();
            var wanted = value?.GetValue<string>();
            if (wanted is null ? actual.Length > 0 : actual != wanted)
            {
                Fail($"header {name}: expected {(wanted is null ? "none" : $"'{wanted}'")}, got '{actual}'");
            }
        }

        if (expected.ContainsKey("body"))
        {
            JsonNode? actual;
            try
            {
                actual = body.Length == 0 ? null : JsonNode.Parse(body);
            }
            catch (System.Text.Json.JsonException ex)
            {
                Fail($"the request body is not JSON ({ex.Message}): {body}");
                return;
            }

            foreach (var difference in JsonAssert.Differences(expected["body"], actual))
            {
                Fail("request body " + difference);
            }
        }
    }

    private async Task RespondAsync(JsonObject response, HttpContext context)
    {
        context.Response.StatusCode = response["status"]?.GetValue<int>() ?? 200;
        foreach (var (name, value) in response["headers"] as JsonObject ?? [])
        {
            context.Response.Headers[name] = value?.GetValue<string>();
        }

        var bytes = _transcript.ResponseBody(response);
        var abortAfter = response["abortAfterBytes"]?.GetValue<int>();
        var stallAfter = response["stallAfterBytes"]?.GetValue<int>();
        var delay = TimeSpan.FromMilliseconds(response["delayMs"]?.GetValue<int>() ?? 0);
        var limit = Math.Min(bytes.Length, abortAfter ?? stallAfter ?? bytes.Length);
        try
        {
            var start = 0;
            foreach (var end in Boundaries(bytes, limit))
            {
                await context.Response.Body.WriteAsync(bytes.AsMemory(start, end - start), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                start = end;
                if (delay > TimeSpan.Zero && end < limit)
                {
                    await Task.Delay(delay, context.RequestAborted);
                }
            }

            if (abortAfter is not null)
            {
                // Give the client time to read what was sent: a reset arriving with unread data discards that data,
                // and the client would see a connection that failed before answering (which is retried) instead.
                await Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.FromMilliseconds(300), context.RequestAborted);
                context.Abort(); // the connection breaks in the middle of the body
            }
            else if (stallAfter is not null)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client hung up (a cancellation test): nothing more to send.
        }
    }

    // Ends of the pieces to flush: after each blank line (SSE event) or newline (NDJSON), up to the limit.
    private static IEnumerable<int> Boundaries(byte[] bytes, int limit)
    {
        for (var i = 0; i < limit; i++)
        {
            if (bytes[i] == (byte)'\n' && (i + 1 >= limit || bytes[i + 1] != (byte)'\n'))
            {
                yield return i + 1;
            }
        }

        if (limit > 0 && bytes[limit - 1] != (byte)'\n')
        {
            yield return limit;
        }
    }

    private void Fail(string message)
    {
        lock (_failures)
        {
            _failures.Add(message);
        }
    }
}
