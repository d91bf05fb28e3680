using System.Net;

namespace Gemma4.AI;

/// <summary>A model download failed; the message names the URL or file and what to do about it.</summary>
public sealed class Gemma4DownloadException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="Gemma4DownloadException"/> class.</summary>
    public Gemma4DownloadException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Gemma4DownloadException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public Gemma4DownloadException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Gemma4DownloadException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public Gemma4DownloadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Gemma4DownloadException"/> class for a failed download.</summary>
    /// <param name="failure">Why it failed.</param>
    /// <param name="uri">The URL downloaded from.</param>
    /// <param name="message">The message.</param>
    /// <param name="statusCode">The HTTP status, when the server answered.</param>
    /// <param name="innerException">The cause, if any.</param>
    public Gemma4DownloadException(Gemma4DownloadFailure failure, Uri uri, string message, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        Uri = uri;
        StatusCode = statusCode;
    }

    /// <summary>Why the download failed.</summary>
    public Gemma4DownloadFailure Failure { get; }

    /// <summary>The URL downloaded from.</summary>
    public Uri? Uri { get; }

    /// <summary>The HTTP status, when the server answered with an error.</summary>
    public HttpStatusCode? StatusCode { get; }
}
