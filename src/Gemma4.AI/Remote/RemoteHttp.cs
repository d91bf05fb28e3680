using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Gemma4.AI.Remote;

/// <summary>
/// The HttpClient settings every remote client uses, whether it comes from <c>IHttpClientFactory</c> (DI: the standard
/// resilience handler, configured here) or is created for a client constructed directly.
/// </summary>
/// <remarks>
/// Retried: connection failures and 408, 429, 502, 503, 504 (with Retry-After honoured, up to
/// <see cref="Gemma4RemoteOptions.MaxRetries"/> times). Not retried: 500 (an engine's 500 is a bug that repeats) and
/// timeouts (the engine may still be working on the request). The handler sees a request only until its response
/// headers arrive, so a stream that has started is never replayed.
/// </remarks>
internal static class RemoteHttp
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>The name of the factory's HttpClient for one registration.</summary>
    public static string ClientName(string optionsName) => "Gemma4.Remote." + optionsName;

    /// <summary>Connecting never takes longer than this, so an unreachable host fails fast instead of hanging.</summary>
    public static TimeSpan ConnectTimeout(Gemma4RemoteOptions options) => options.Timeout < TimeSpan.FromSeconds(15) ? options.Timeout : TimeSpan.FromSeconds(15);

    /// <summary>The primary handler: bounded connect time, pooled connections renewed (DNS changes behind a load balancer).</summary>
    public static SocketsHttpHandler CreatePrimaryHandler(Gemma4RemoteOptions options) => new()
    {
        ConnectTimeout = ConnectTimeout(options),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>Applies the remote options to the standard resilience handler's options.</summary>
    public static void Configure(HttpStandardResilienceOptions resilience, Gemma4RemoteOptions options)
    {
        Configure(resilience.Retry, options);
        resilience.AttemptTimeout.Timeout = options.Timeout;
        resilience.TotalRequestTimeout.Timeout = TotalTimeout(options);

        // The standard options require the breaker's window to be at least twice the attempt timeout.
        resilience.CircuitBreaker.SamplingDuration = options.Timeout * 2;
    }

    /// <summary>An HttpClient for a client constructed without one: the same retries and timeouts as in DI.</summary>
    public static HttpClient CreateClient(Gemma4RemoteOptions options)
    {
        var retry = new HttpRetryStrategyOptions();
        Configure(retry, options);
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddTimeout(TotalTimeout(options))
            .AddRetry(retry)
            .AddTimeout(options.Timeout)
            .Build();
        var handler = new ResilienceHandler(pipeline) { InnerHandler = CreatePrimaryHandler(options) };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static void Configure(HttpRetryStrategyOptions retry, Gemma4RemoteOptions options)
    {
        retry.MaxRetryAttempts = Math.Max(1, options.MaxRetries); // Polly needs at least one; ShouldHandle says no when 0
        retry.MaxDelay = MaxRetryDelay;
        retry.ShouldRetryAfterHeader = true;
        var enabled = options.MaxRetries > 0;
        retry.ShouldHandle = args => ValueTask.FromResult(enabled && IsTransient(args.Outcome));
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException } => true,
        { Result: { } response } => response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
        _ => false,
    };

    // Every attempt, every wait between them, and a second to spare; Polly takes at most a day.
    private static TimeSpan TotalTimeout(Gemma4RemoteOptions options)
    {
        var total = (options.Timeout * (options.MaxRetries + 1)) + (MaxRetryDelay * options.MaxRetries) + TimeSpan.FromSeconds(1);
        return total < TimeSpan.FromDays(1) ? total : TimeSpan.FromDays(1);
    }
}
