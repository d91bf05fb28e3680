using Gemma4.AI.Chat;
using Gemma4.AI.Formatting;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Chat;

public sealed class MessageDropperTests
{
    private static readonly Gemma4PromptFormatter Formatter = new();

    [Fact]
    public void DroppableParts_ACallGoesWithItsResults_SystemAndLastUserStay()
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, "sys"),
            new(ChatRole.User, "u1"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "f")]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "r")]),
            new(ChatRole.Assistant, "a1"),
            new(ChatRole.User, "u2"),
            new(ChatRole.Assistant, "a2"),
        };

        Assert.Equal([(1, 2), (2, 4), (4, 5)], MessageDropper.DroppableParts(messages));
        Assert.Empty(MessageDropper.DroppableParts([new(ChatRole.System, "sys"), new(ChatRole.User, "u")]));
    }

    [Fact]
    public void Fit_DropsTheFewestOldestParts_AsDroppingOneAtATimeWould()
    {
        // Calls with results, orphan results, reasoning and continued model turns: every shape whose rendering depends
        // on its neighbours. Each budget must keep exactly what dropping one part at a time until it fits keeps.
        var messages = Conversation(12);
        var full = Formatter.FormatPrompt(messages).Text.Length;
        for (var budget = full; budget > 0; budget -= 37)
        {
            var tokenizer = new CharTokenizer();
            var (prompt, tokens) = MessageDropper.Fit(messages, Render, tokenizer, budget, CancellationToken.None);

            Assert.Equal(OneAtATime(messages, budget), prompt.Text);
            Assert.Equal(prompt.Text.Length, tokens.Length);
        }
    }

    [Fact]
    public void Fit_ThousandsOfMessages_TokenizesEachMessageAFewTimesNotOncePerDrop()
    {
        var messages = Conversation(1500); // 6,001 messages
        var tokenizer = new CharTokenizer();
        var full = Formatter.FormatPrompt(messages).Text.Length;

        var (prompt, tokens) = MessageDropper.Fit(messages, Render, tokenizer, full / 3, CancellationToken.None);

        // Dropping one part at a time renders and tokenizes the whole remaining conversation ~4,000 times (quadratic).
        Assert.InRange(tokenizer.Calls, 2, 3);
        Assert.InRange(tokenizer.Characters, full, 2 * full);
        Assert.InRange(tokens.Length, 1, full / 3);
        Assert.StartsWith("<bos><|turn>system\nsys", prompt.Text, StringComparison.Ordinal);
        Assert.EndsWith("last<turn|>\n<|turn>model\n", prompt.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_CancelledWhilePlanning_ThrowsBeforeTheNextRender()
    {
        using var cts = new CancellationTokenSource();
        var tokenizer = new CharTokenizer { OnTokenize = cts.Cancel };

        Assert.Throws<OperationCanceledException>(() => MessageDropper.Fit(Conversation(200), Render, tokenizer, 10, cts.Token));
        Assert.Equal(1, tokenizer.Calls);
    }

    private static Gemma4Prompt Render(IList<ChatMessage> messages) => Formatter.FormatPrompt(messages);

    // The reference: drop the oldest part, re-render, until it fits or nothing can go.
    private static string OneAtATime(List<ChatMessage> messages, int budget)
    {
        var kept = messages.ToList();
        var text = Formatter.Format(kept);
        while (text.Length > budget && MessageDropper.DroppableParts(kept) is { Count: > 0 } parts)
        {
            kept.RemoveRange(parts[0].Start, parts[0].End - parts[0].Start);
            text = Formatter.Format(kept);
        }

        return text;
    }

    private static List<ChatMessage> Conversation(int rounds)
    {
        var messages = new List<ChatMessage> { new(ChatRole.System, "sys") };
        for (var i = 0; i < rounds; i++)
        {
            messages.Add(new ChatMessage(ChatRole.User, $"question {i} " + new string('q', i % 7)));
            switch (i % 4)
            {
                case 0:
                    messages.Add(new ChatMessage(ChatRole.Assistant, [new TextReasoningContent("hmm"), new FunctionCallContent($"c{i}", "f", new Dictionary<string, object?> { ["x"] = i })]));
                    messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent($"c{i}", $"result {i}")]));
                    messages.Add(new ChatMessage(ChatRole.Assistant, $"so {i}"));
                    break;
                case 1:
                    messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("orphan", "lost")]));
                    messages.Add(new ChatMessage(ChatRole.Assistant, $"answer {i}"));
                    messages.Add(new ChatMessage(ChatRole.Assistant, $"more {i}"));
                    break;
                default:
                    messages.Add(new ChatMessage(ChatRole.Assistant, $"answer {i} " + new string('a', i % 5)));
                    messages.Add(new ChatMessage(ChatRole.User, "ok"));
                    break;
            }
        }

        messages.Add(new ChatMessage(ChatRole.User, "last"));
        return messages;
    }

    // One token per character: message starts are exact, and the counts show how much text was tokenized.
    private sealed class CharTokenizer : IPromptTokenizer
    {
        public int Calls { get; private set; }

        public long Characters { get; private set; }

        public Action? OnTokenize { get; init; }

        public int[] Tokenize(Gemma4Prompt prompt, Span<int> messageTokenStarts)
        {
            Calls++;
            Characters += prompt.Text.Length;
            for (var i = 0; i < messageTokenStarts.Length; i++)
            {
                messageTokenStarts[i] = prompt.MessageStarts[i].Offset;
            }

            OnTokenize?.Invoke();
            return new int[prompt.Text.Length];
        }
    }
}
