using Microsoft.Extensions.AI;

namespace Gemma4.AI.Chat;

/// <summary>
/// Content the client cannot show the model: images, audio, video and files (it runs Gemma 4's text decoder only, with
/// no vision or audio encoder). Rendering such content would leave a bare placeholder token and an answer about
/// something the model never saw, so it is refused, or dropped when the client is told to.
/// </summary>
internal static class UnsupportedContent
{
    /// <summary>The caller's messages when all is supported; otherwise copies without that content, or an exception.</summary>
    /// <exception cref="NotSupportedException">A message holds unsupported content and <paramref name="ignore"/> is false.</exception>
    public static IList<ChatMessage> Apply(IList<ChatMessage> messages, bool ignore)
    {
        List<ChatMessage>? filtered = null;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message?.Contents.FirstOrDefault(Is) is not { } content)
            {
                filtered?.Add(message!);
                continue;
            }

            if (!ignore)
            {
                throw new NotSupportedException(
                    $"Gemma4ChatClient runs Gemma 4's text model only (no image, audio, video or file input): message {i} ({message.Role}) "
                    + $"contains {Describe(content)}. Remove it, or set Gemma4ChatClientOptions.IgnoreUnsupportedContent to drop such content.");
            }

            filtered ??= [.. messages.Take(i)];
            var copy = message.Clone();
            copy.Contents = [.. message.Contents.Where(c => !Is(c))];
            filtered.Add(copy);
        }

        return filtered ?? messages;
    }

    private static bool Is(AIContent content) => content is DataContent or UriContent or HostedFileContent;

    private static string Describe(AIContent content) => content switch
    {
        DataContent data => $"DataContent of type '{data.MediaType}'",
        UriContent uri => $"UriContent of type '{uri.MediaType}' ({uri.Uri})",
        HostedFileContent file => $"HostedFileContent '{file.FileId}'",
        _ => content.GetType().Name,
    };
}
