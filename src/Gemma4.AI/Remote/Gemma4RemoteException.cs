using System.Net;

namespace Gemma4.AI;

/// <summary>
/// A remote engine refused or failed a request (an HTTP error status, an error inside a stream, a broken connection
/// or a timeout). The message names the engine, its endpoint and what the engine said.
/// </summary>
/// <remarks>
/// <see cref="HttpRequestException.StatusCode"/> is the HTTP status when the engine answered with one (503 and 429 mean
/// the engine is busy: back off for <see cref="RetryAfter"/> and try again); it is null for connection failures, timeouts
/// and errors reported inside an already started stream.
/// </remarks>
public sealed class Gemma4RemoteException : HttpRequestException
{
    /// <summary>Creates the exception for an engine's answer or failure.</summary>
    /// <param name="message">What happened, naming the engine and endpoint.</param>
    /// <param name="engine">The engine.</param>
    /// <param name="endpoint">The endpoint the request went to.</param>
    /// <param name="statusCode">The HTTP status, when the engine answered with one.</param>
    /// <param name="innerException">The transport's exception, if any.</param>
    public Gemma4RemoteException(string message, Gemma4RemoteEngine engine, Uri? endpoint, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(HttpRequestError.Unknown, message, innerException, statusCode)
    {
        Engine = engine;
        Endpoint = endpoint;
    }

    /// <summary>Creates the exception.</summary>
    public Gemma4RemoteException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public Gemma4RemoteException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public Gemma4RemoteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The engine that failed.</summary>
    public Gemma4RemoteEngine Engine { get; }

    /// <summary>The address the request went to.</summary>
    public Uri? Endpoint { get; }

    /// <summary>The engine's error code or type (<c>model_not_found</c>, <c>NotFoundError</c>, …), when it gave one.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>How long the engine asked clients to wait (<c>Retry-After</c>), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
