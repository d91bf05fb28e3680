namespace Gemma4.AI;

/// <summary>
/// Thrown when an image or audio clip in a chat request cannot be used: empty, corrupt, truncated, not what its media type
/// says, or too large. The message names the message index, the content index and the media type; the properties carry
/// them for callers that map the failure back to their own input (an HTTP server naming the request field).
/// </summary>
/// <remarks>
/// <see cref="ArgumentException.ParamName"/> is <c>messages</c>, the chat client method's parameter. Media the client does not
/// take at all (another media type, video, URLs, no projector) is a <see cref="NotSupportedException"/> instead.
/// </remarks>
public sealed class Gemma4MediaException : ArgumentException
{
    /// <summary>Creates the exception for content <paramref name="contentIndex"/> of message <paramref name="messageIndex"/>.</summary>
    /// <param name="messageIndex">Position of the message in the list passed to the chat client.</param>
    /// <param name="contentIndex">Position of the content in the message's <c>Contents</c>.</param>
    /// <param name="mediaType">The media type the content declared.</param>
    /// <param name="message">What is wrong, naming all three.</param>
    /// <param name="innerException">The decoder's failure, if any.</param>
    public Gemma4MediaException(int messageIndex, int contentIndex, string mediaType, string message, Exception? innerException = null)
        : base(message, "messages", innerException)
    {
        MessageIndex = messageIndex;
        ContentIndex = contentIndex;
        MediaType = mediaType;
    }

    /// <summary>Creates the exception.</summary>
    public Gemma4MediaException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public Gemma4MediaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public Gemma4MediaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Position of the offending message in the list passed to the chat client (-1 if unknown).</summary>
    public int MessageIndex { get; } = -1;

    /// <summary>Position of the offending content in the message's <c>Contents</c> (-1 if unknown).</summary>
    public int ContentIndex { get; } = -1;

    /// <summary>The media type the content declared (empty if unknown).</summary>
    public string MediaType { get; } = string.Empty;
}
