using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Headers;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Gemma4.AI.Remote;

/// <summary>
/// Sends a dialect's requests over a System.ClientModel pipeline on an <see cref="HttpClient"/> (one from
/// <c>IHttpClientFactory</c> with the resilience handler, in DI). Error statuses, broken connections and timeouts become
/// <see cref="Gemma4RemoteException"/>s that name the engine and endpoint; cancellation by the caller stays an
/// <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// Retries live in the HttpClient's resilience handler, which only ever sees the request up to its response headers:
/// a response that has started streaming is never replayed. The pipeline's own retry policy is off (it would double
/// them), and its network timeout (<see cref="Gemma4RemoteOptions.Timeout"/>) bounds every read of a streamed body.
/// </remarks>
internal abstract class RemoteTransport
{
    protected RemoteTransport(Gemma4RemoteOptions options, RemoteDialect dialect)
    {
        Options = options;
        Dialect = dialect;
    }

    public Gemma4RemoteOptions Options { get; }

    public RemoteDialect Dialect { get; }

    /// <summary>The address requests are sent under: the API base (…/v1) or Ollama's root.</summary>
    public abstract Uri BaseAddress { get; }

    /// <summary>Sends a chat request; <paramref name="stream"/> leaves the body unbuffered for reading as it arrives.</summary>
    public Task<PipelineResponse> ChatAsync(BinaryData body, bool stream, CancellationToken cancellationToken) =>
        SendAsync(ChatPath, body, stream, cancellationToken);

    /// <summary>Sends an embeddings request.</summary>
    public Task<PipelineResponse> EmbeddingsAsync(BinaryData body, CancellationToken cancellationToken) =>
        SendAsync(EmbeddingsPath, body, stream: false, cancellationToken);

    /// <summary>Sends a GET (<paramref name="body"/> null) or POST to <paramref name="path"/>, relative to <see cref="BaseAddress"/> ("../props" reaches the root).</summary>
    public async Task<PipelineResponse> SendAsync(string path, BinaryData? body, bool stream, CancellationToken cancellationToken)
    {
        var uri = new Uri(BaseAddress, path);
        PipelineResponse response;
        try
        {
            response = await SendCoreAsync(path, uri, body, stream, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Describe(ex) is { } what)
        {
            throw new Gemma4RemoteException($"{Dialect.DisplayName} at {uri} {what}", Dialect.Engine, uri, innerException: ex);
        }

        if (response.IsError)
        {
            using (response)
            {
                throw await RemoteErrors.FromResponseAsync(response, Dialect, uri, Options.Model, cancellationToken).ConfigureAwait(false);
            }
        }

        return response;
    }

    /// <summary>What went wrong, as the end of a sentence starting with the engine and address; null for exceptions that are not transport failures.</summary>
    public string? Describe(Exception exception) => exception switch
    {
        Gemma4RemoteException => null,
        TimeoutRejectedException or TimeoutException => $"did not answer within {Options.Timeout} (Gemma4RemoteOptions.Timeout).",
        OperationCanceledException => $"did not answer within {Options.Timeout} (Gemma4RemoteOptions.Timeout).",
        BrokenCircuitException => "is failing too often; its circuit breaker is open, so the request was not sent. " + exception.Message,
        HttpRequestException { InnerException: { } inner } => $"could not be reached: {exception.Message} ({inner.Message})",
        HttpRequestException or ClientResultException => $"could not be reached: {exception.Message}",
        IOException => $"broke the connection: {exception.Message}",
        _ => null,
    };

    protected abstract string ChatPath { get; }

    protected abstract string EmbeddingsPath { get; }

    protected abstract Task<PipelineResponse> SendCoreAsync(string path, Uri uri, BinaryData? body, bool stream, CancellationToken cancellationToken);

    /// <summary>Sends through <paramref name="pipeline"/>: the request the dialect wrote, nothing added but auth and the pipeline's headers.</summary>
    protected static async Task<PipelineResponse> SendThroughAsync(ClientPipeline pipeline, Uri uri, BinaryData? body, bool stream, CancellationToken cancellationToken)
    {
        var message = pipeline.CreateMessage();
        message.Request.Method = body is null ? "GET" : "POST";
        message.Request.Uri = uri;
        message.Request.Headers.Set("Accept", stream ? "text/event-stream, application/x-ndjson, application/json" : "application/json");
        if (body is not null)
        {
            message.Request.Headers.Set("Content-Type", "application/json");
            message.Request.Content = BinaryContent.Create(body);
        }

        message.BufferResponse = !stream;
        message.Apply(new RequestOptions { CancellationToken = cancellationToken, ErrorOptions = ClientErrorBehaviors.NoThrow });
        await pipeline.SendAsync(message).ConfigureAwait(false);
        return message.ExtractResponse() ?? throw new InvalidOperationException("The pipeline returned no response.");
    }

    /// <summary>The pipeline options every transport uses: the given HttpClient, no retries of its own, the network timeout.</summary>
    protected static T PipelineOptions<T>(T options, HttpClient httpClient, Gemma4RemoteOptions remote)
        where T : ClientPipelineOptions
    {
        options.Transport = new HttpClientPipelineTransport(httpClient);
        options.RetryPolicy = new ClientRetryPolicy(maxRetries: 0);
        options.NetworkTimeout = remote.Timeout;
        return options;
    }

    /// <summary>Retry-After as a delay: seconds, or an HTTP date.</summary>
    public static TimeSpan? RetryAfter(PipelineResponse response)
    {
        if (!response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Max(0, seconds));
        }

        return RetryConditionHeaderValue.TryParse(value, out var parsed) && parsed.Date is { } date
            ? date - DateTimeOffset.UtcNow is var delay && delay > TimeSpan.Zero ? delay : TimeSpan.Zero
            : null;
    }

    /// <summary>The status as an enum value for exceptions.</summary>
    public static HttpStatusCode Status(PipelineResponse response) => (HttpStatusCode)response.Status;
}
