using Microsoft.Extensions.AI;

namespace Gemma4.AI.Chat;

/// <summary>Drops the oldest droppable part of a conversation, keeping what the template needs to stay coherent.</summary>
internal static class MessageDropper
{
    /// <summary>
    /// Removes the oldest message after a leading system/developer message — an assistant message with tool calls
    /// together with the tool results that follow it — never the last user message; false when nothing can go.
    /// </summary>
    public static bool DropOldest(List<ChatMessage> messages)
    {
        var first = messages.Count > 0 && (messages[0].Role == ChatRole.System || messages[0].Role.Value == "developer") ? 1 : 0;
        var lastUser = messages.FindLastIndex(m => m.Role == ChatRole.User);
        if (first >= messages.Count || first == lastUser)
        {
            return false;
        }

        var end = first + 1;
        if (messages[first].Contents.OfType<FunctionCallContent>().Any())
        {
            while (end < messages.Count && messages[end].Role == ChatRole.Tool)
            {
                end++;
            }
        }

        // Tool results whose call was dropped earlier would be orphans: they go too.
        while (end < messages.Count && messages[end].Role == ChatRole.Tool)
        {
            end++;
        }

        if (lastUser >= first && lastUser < end)
        {
            return false;
        }

        messages.RemoveRange(first, end - first);
        return true;
    }
}
