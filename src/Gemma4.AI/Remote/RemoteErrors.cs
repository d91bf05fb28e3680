using System.ClientModel.Primitives;
using System.Net;
using System.Text.Json;

namespace Gemma4.AI.Remote;

/// <summary>Turns an engine's error (an HTTP error status, or an error object inside a stream) into a clear exception.</summary>
/// <remarks>
/// Engines word errors differently: OpenAI and llama-server <c>{"error":{"message","type","code"}}</c>, older vLLM
/// <c>{"object":"error","message",…}</c>, Ollama <c>{"error":"…"}</c>, FastAPI <c>{"detail":…}</c>, or plain text.
/// </remarks>
internal static class RemoteErrors
{
    private const int MaxBodyInMessage = 500;

    public static async Task<Gemma4RemoteException> FromResponseAsync(
        PipelineResponse response, RemoteDialect dialect, Uri uri, string? model, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = (await response.BufferContentAsync(cancellationToken).ConfigureAwait(false)).ToString();
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            body = string.Empty; // the status says enough
        }

        var (message, code) = Read(body);
        var status = RemoteTransport.Status(response);
        var retryAfter = RemoteTransport.RetryAfter(response);
        var text = $"{dialect.DisplayName} at {uri} answered {(int)status} {response.ReasonPhrase}".TrimEnd() +
            (message is null ? "." : $": {message}") + Hint(status, dialect, model, retryAfter);
        return new Gemma4RemoteException(text, dialect.Engine, uri, status) { ErrorCode = code, RetryAfter = retryAfter };
    }

    /// <summary>The error an engine wrote into a stream that had already started (the status was 200), if this chunk is one.</summary>
    public static Gemma4RemoteException? FromStreamChunk(JsonElement chunk, RemoteDialect dialect, Uri uri)
    {
        if (chunk.ValueKind != JsonValueKind.Object || !(chunk.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null
            || chunk.String("object") == "error"))
        {
            return null;
        }

        var (message, code) = Read(chunk);
        var status = (error.ValueKind == JsonValueKind.Object ? error.Int64("code") : chunk.Int64("code")) is { } n and >= 400 and < 600 ? (HttpStatusCode?)(int)n : null;
        return new Gemma4RemoteException(
            $"{dialect.DisplayName} at {uri} reported an error in the middle of its stream: {message ?? chunk.GetRawText()}", dialect.Engine, uri, status)
        {
            ErrorCode = code,
        };
    }

    private static (string? Message, string? Code) Read(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            var (message, code) = Read(json.RootElement);
            if (message is not null)
            {
                return (message, code);
            }
        }
        catch (JsonException)
        {
            // Not JSON: a proxy's HTML page, a plain-text error.
        }

        var trimmed = body.Trim();
        return (trimmed.Length <= MaxBodyInMessage ? trimmed : trimmed[..MaxBodyInMessage] + "…", null);
    }

    private static (string? Message, string? Code) Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        if (root.TryGetProperty("error", out var error))
        {
            if (error.ValueKind == JsonValueKind.String)
            {
                return (error.GetString(), null);
            }

            if (error.ValueKind == JsonValueKind.Object)
            {
                return (error.FirstString("message", "detail"), error.FirstString("code", "type"));
            }
        }

        if (root.TryGetProperty("detail", out var detail))
        {
            return (detail.ValueKind == JsonValueKind.String ? detail.GetString() : detail.GetRawText(), null);
        }

        return (root.String("message"), root.FirstString("type", "code"));
    }

    private static string Hint(HttpStatusCode status, RemoteDialect dialect, string? model, TimeSpan? retryAfter) => status switch
    {
        HttpStatusCode.NotFound when model is not null =>
            $" Check that {dialect.DisplayName} serves the model '{model}' (Gemma4:Remote:Model) and that the endpoint is the API base.",
        HttpStatusCode.NotFound => " Check the endpoint (the API base, such as http://host:8000/v1) and Gemma4:Remote:Model.",
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => " Check Gemma4:Remote:ApiKey.",
        HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable =>
            $" The engine is busy or still loading; try again{(retryAfter is { } delay ? $" after {delay.TotalSeconds:0.#} s (Retry-After)" : " later")}.",
        _ => string.Empty,
    };
}
