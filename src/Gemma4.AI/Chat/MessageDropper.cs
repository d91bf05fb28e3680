using Gemma4.AI.Formatting;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Chat;

/// <summary>Drops the oldest droppable parts of a conversation, keeping what the template needs to stay coherent.</summary>
/// <remarks>
/// The conversation is rendered and tokenized once; how many tokens each message took there says how many of the
/// oldest parts must go, and one more render checks it (rarely a third, where a dropped call's answer changed how the
/// next message renders). Planning is linear in the conversation, however many messages go.
/// </remarks>
internal static class MessageDropper
{
    /// <summary>
    /// Renders and tokenizes <paramref name="messages"/>; while the prompt has more than <paramref name="budget"/>
    /// tokens, drops the oldest parts (see <see cref="DroppableParts"/>). Returns the last rendering, which may still
    /// exceed the budget when nothing more can go.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static (Gemma4Prompt Prompt, int[] Tokens) Fit(
        IList<ChatMessage> messages,
        Func<IList<ChatMessage>, Gemma4Prompt> render,
        IPromptTokenizer tokenizer,
        int budget,
        CancellationToken cancellationToken)
    {
        var kept = messages;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var prompt = render(kept);
            var starts = new int[prompt.MessageStarts.Count];
            var tokens = tokenizer.Tokenize(prompt, starts);
            if (tokens.Length <= budget)
            {
                return (prompt, tokens);
            }

            cancellationToken.ThrowIfCancellationRequested();
            var parts = DroppableParts(kept);
            if (parts.Count == 0)
            {
                return (prompt, tokens);
            }

            // startOf[i]: tokens before message i (a message with no start of its own, such as a tool result, counts
            // from the next one that has one, so it costs nothing apart from the call it answers).
            var startOf = new int[kept.Count + 1];
            startOf[kept.Count] = tokens.Length;
            var s = prompt.MessageStarts.Count - 1;
            for (var i = kept.Count - 1; i >= 0; i--)
            {
                startOf[i] = s >= 0 && prompt.MessageStarts[s].Message == i ? starts[s--] : startOf[i + 1];
            }

            var excess = tokens.Length - budget;
            var dropped = 0;
            var saved = 0;
            while (dropped < parts.Count && saved < excess)
            {
                saved += startOf[parts[dropped].End] - startOf[parts[dropped].Start];
                dropped++;
            }

            var first = parts[0].Start;
            var remaining = new List<ChatMessage>(kept.Count - (parts[dropped - 1].End - first));
            for (var i = 0; i < first; i++)
            {
                remaining.Add(kept[i]);
            }

            for (var i = parts[dropped - 1].End; i < kept.Count; i++)
            {
                remaining.Add(kept[i]);
            }

            kept = remaining;
        }
    }

    /// <summary>
    /// The parts that may go, oldest first, as [Start, End) ranges: each message after a leading system/developer
    /// message, together with the tool results that follow it (an assistant message with tool calls goes with its
    /// results; results whose call went earlier would be orphans and go too), up to but excluding the part holding
    /// the last user message.
    /// </summary>
    public static List<(int Start, int End)> DroppableParts(IList<ChatMessage> messages)
    {
        var parts = new List<(int, int)>();
        var first = messages.Count > 0 && (messages[0].Role == ChatRole.System || messages[0].Role.Value == "developer") ? 1 : 0;
        var lastUser = -1;
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.User)
            {
                lastUser = i;
                break;
            }
        }

        var start = first;
        while (start < messages.Count)
        {
            var end = start + 1;
            while (end < messages.Count && messages[end].Role == ChatRole.Tool)
            {
                end++;
            }

            if (lastUser >= start && lastUser < end)
            {
                break;
            }

            parts.Add((start, end));
            start = end;
        }

        return parts;
    }
}
