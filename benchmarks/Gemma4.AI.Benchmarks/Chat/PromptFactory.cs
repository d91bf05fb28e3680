using System.Text;
using Gemma4.AI.Formatting;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Benchmarks.Chat;

/// <summary>
/// Builds deterministic prompts of exact token lengths, rendered and tokenized exactly as the chat client does
/// (the Gemma 4 template, then the model's tokenizer), so the native loop can decode the very same tokens.
/// </summary>
internal sealed class PromptFactory(Gemma4Model model, Gemma4PromptFormatter formatter)
{
    // Plain English words: every tokenizer splits them into a token or two.
    private static readonly string[] Words =
    [
        "the", "model", "reads", "a", "long", "document", "about", "rivers", "and", "mountains", "in", "spring",
        "when", "snow", "melts", "water", "flows", "down", "to", "valleys", "where", "farmers", "plant", "seeds",
        "each", "year", "people", "gather", "near", "old", "bridges", "tell", "stories", "of", "storms", "that",
        "came", "from", "west", "weather", "changes", "quickly", "so", "travellers", "carry", "warm", "coats",
        "maps", "show", "roads", "villages", "small", "towns", "with", "markets", "bread", "cheese", "fruit",
        "children", "learn", "numbers", "letters", "school", "teachers", "write", "on", "boards", "every", "morning",
        "library", "keeps", "books", "history", "science", "music", "art", "cooking", "gardens", "birds", "sing",
        "trees", "grow", "tall", "light", "breeze", "clouds", "move", "slowly", "across", "sky", "evening", "stars",
        "appear", "quiet", "night", "lamps", "glow", "windows", "houses", "streets", "cats", "sleep", "dogs", "bark",
        "train", "arrives", "station", "passengers", "wait", "platform", "tickets", "clock", "shows", "time", "ten",
        "minutes", "later", "ship", "leaves", "harbor", "sailors", "pull", "ropes", "sea", "calm", "fish", "swim",
        "under", "waves", "island", "far", "away", "lighthouse", "guides", "boats", "home", "safely", "after", "long",
        "journey", "friends", "meet", "share", "food", "laugh", "talk", "plans", "tomorrow", "work", "begins", "early",
    ];

    public Gemma4Model Model => model;

    /// <summary>Renders and tokenizes a conversation with the generation prompt, as the chat client will.</summary>
    public int[] Tokenize(IEnumerable<ChatMessage> messages, ChatOptions? options = null) =>
        model.Tokenizer.Tokenize(formatter.FormatPrompt(messages, options, addGenerationPrompt: true));

    /// <summary><paramref name="count"/> pseudo-random words from <paramref name="seed"/>, in sentences.</summary>
    public static string Text(int seed, int count)
    {
#pragma warning disable CA5394 // Deterministic filler text, not security.
        var random = new Random(seed);
        var text = new StringBuilder(count * 7);
        for (var i = 0; i < count; i++)
        {
            var word = Words[random.Next(Words.Length)];
            var sentenceEnd = random.Next(12) == 0;
#pragma warning restore CA5394
            text.Append(text.Length == 0 || text[^1] == '.' ? Capitalize(word) : word);
            text.Append(sentenceEnd ? ". " : " ");
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>
    /// A user message whose rendered prompt makes the engine decode exactly <paramref name="decoded"/> tokens, given
    /// that the engine reuses <paramref name="reuse"/>(tokens) of them from its cache. Falls back to the closest
    /// length when no exact one is found (the caller reports the real count).
    /// </summary>
    /// <param name="head">Text at the start of the message (makes it unique, so the cache cannot reuse it).</param>
    /// <param name="seed">Seed of the filler words.</param>
    /// <param name="decoded">Tokens the engine should decode.</param>
    /// <param name="reuse">Tokens the engine will take from its cache for a prompt.</param>
    /// <param name="suffix">Text at the end of the message (e.g. a question about the document).</param>
    public (ChatMessage Message, int[] Tokens) UserMessageDecoding(string head, int seed, int decoded, Func<int[], int> reuse, string suffix = "")
    {
        ArgumentNullException.ThrowIfNull(reuse);
        (ChatMessage, int[], int) Build(int words, string tail)
        {
            var message = new ChatMessage(ChatRole.User, head + " " + Text(seed, words) + tail + suffix);
            var tokens = Tokenize([message]);
            return (message, tokens, tokens.Length - reuse(tokens));
        }

        // Binary search: the most words whose prompt decodes at most the target.
        int lo = 0, hi = decoded * 2;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (Build(mid, string.Empty).Item3 <= decoded)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        var best = Build(lo, string.Empty);
        // Close the gap with short tails.
        for (var n = 1; n <= 12 && best.Item3 != decoded; n++)
        {
            foreach (var piece in new[] { " a", " I", ".", " ok", " x" })
            {
                var candidate = Build(lo, string.Concat(Enumerable.Repeat(piece, n)));
                if (Math.Abs(candidate.Item3 - decoded) < Math.Abs(best.Item3 - decoded))
                {
                    best = candidate;
                }

                if (best.Item3 == decoded)
                {
                    break;
                }
            }
        }

        return (best.Item1, best.Item2);
    }

    private static string Capitalize(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}
