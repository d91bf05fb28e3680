using Gemma4.AI.Multimodal;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Chat;

/// <summary>
/// Content the client cannot show the model: files, video, URLs (never fetched), media types the decoders do not read,
/// images or audio without a projector that encodes them, and media where the official template renders none (system,
/// developer and tool messages). Rendering such content would leave a bare placeholder, or nothing, and an answer
/// about something the model never saw, so it is refused, or dropped when the client is told to.
/// </summary>
/// <remarks>
/// Supported media (see <see cref="MediaTypes"/>) in user and assistant messages passes; whether its bytes decode is
/// checked later (an <see cref="ArgumentException"/>, never dropped: corrupt data is an error, not unsupported content).
/// </remarks>
internal static class UnsupportedContent
{
    /// <summary>The caller's messages when all is supported; otherwise copies without that content, or an exception.</summary>
    /// <exception cref="NotSupportedException">A message holds unsupported content and <paramref name="ignore"/> is false.</exception>
    public static IList<ChatMessage> Apply(IList<ChatMessage> messages, bool ignore, bool images, bool audio)
    {
        List<ChatMessage>? filtered = null;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message is null || Find(message, images, audio) is not var (content, reason))
            {
                filtered?.Add(message!);
                continue;
            }

            if (!ignore)
            {
                throw new NotSupportedException(
                    $"Gemma4ChatClient cannot take message {i} ({message.Role}): it contains {Describe(content)}; {reason}. "
                    + "Remove it, or set Gemma4ChatClientOptions.IgnoreUnsupportedContent to drop such content.");
            }

            filtered ??= [.. messages.Take(i)];
            var copy = message.Clone();
            copy.Contents = [.. message.Contents.Where(c => Check(c, message.Role, images, audio) is null)];
            filtered.Add(copy);
        }

        return filtered ?? messages;
    }

    private static (AIContent Content, string Reason)? Find(ChatMessage message, bool images, bool audio)
    {
        foreach (var content in message.Contents)
        {
            if (Check(content, message.Role, images, audio) is { } reason)
            {
                return (content, reason);
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="content"/> cannot be sent in a message of <paramref name="role"/>, or null when it can.</summary>
    private static string? Check(AIContent content, ChatRole role, bool images, bool audio)
    {
        switch (content)
        {
            case HostedFileContent:
                return "hosted files cannot be read by a local model; send the file's bytes as DataContent";
            case UriContent uri when !uri.Uri.IsAbsoluteUri || !string.Equals(uri.Uri.Scheme, "data", StringComparison.OrdinalIgnoreCase):
                return "the library never fetches URLs (it would let whoever writes the messages make this process download anything); "
                    + "download the content yourself and send its bytes as DataContent";
            case UriContent uri:
                return Check(uri.MediaType, role, images, audio);
            case DataContent data:
                return Check(data.MediaType, role, images, audio);
            default:
                return null;
        }
    }

    private static string? Check(string mediaType, ChatRole role, bool images, bool audio)
    {
        var type = MediaTypes.Normalize(mediaType);
        var topLevel = MediaTypes.TopLevel(type);
        if (topLevel is not ("image" or "audio"))
        {
            return topLevel == "video"
                ? "Gemma 4 in llama.cpp takes no video; send individual frames as images"
                : "only images and audio can be sent to Gemma 4 (not files or other data)";
        }

        if (MediaTypes.KindOf(type) is not { } kind)
        {
            var supported = topLevel == "image" ? "PNG, JPEG, BMP, GIF and TGA" : "WAV, MP3 and FLAC";
            return $"the media type '{type}' is not one the bundled decoders read ({(topLevel == "image" ? "images" : "audio")}: {supported}); convert it first";
        }

        if (role == ChatRole.System || role.Value == "developer" || role == ChatRole.Tool)
        {
            return $"the official Gemma 4 template renders no images or audio in a {role.Value} message; send the media in a user message";
        }

        return kind switch
        {
            MediaKind.Image when !images => "the model was loaded without a vision projector: set Gemma4ModelOptions.ProjectorPath to the model's mmproj GGUF to send images",
            MediaKind.Audio when !audio => "the model was loaded without an audio projector: audio needs Gemma 4 E2B or E4B with its mmproj GGUF in Gemma4ModelOptions.ProjectorPath",
            _ => null,
        };
    }

    private static string Describe(AIContent content) => content switch
    {
        DataContent data => $"DataContent of type '{data.MediaType}'",
        UriContent uri => $"UriContent of type '{uri.MediaType}' ({uri.Uri})",
        HostedFileContent file => $"HostedFileContent '{file.FileId}'",
        _ => content.GetType().Name,
    };
}
