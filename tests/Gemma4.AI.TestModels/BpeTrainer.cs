using System.Text;

namespace Gemma4.AI.TestModels;

/// <summary>
/// A small deterministic BPE trainer over Unicode characters, shaped like the gemma4 tokenizer llama.cpp runs:
/// spaces are U+2581, a piece may start with U+2581 but never contains one later, and merges join characters
/// (not bytes). The most frequent pair wins, ties by ordinal order, so the same text always gives the same merges;
/// pairs seen once still merge (whole rare words become pieces) until the merge budget is spent.
/// </summary>
internal static class BpeTrainer
{
    public const char SpaceMarker = '\u2581';

    /// <summary>Learns up to <paramref name="maxMerges"/> merges; returns the initial characters and the merges in rank order.</summary>
    public static (IReadOnlyList<string> Characters, IReadOnlyList<(string Left, string Right)> Merges) Train(string text, int maxMerges)
    {
        var words = CountWords(text);
        var characters = words.Keys
            .SelectMany(w => w)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

        var sequences = words
            .OrderBy(kv => string.Concat(kv.Key), StringComparer.Ordinal)
            .Select(kv => (Symbols: kv.Key.ToList(), Count: kv.Value))
            .ToList();

        var merges = new List<(string, string)>();
        while (merges.Count < maxMerges)
        {
            var pairs = new Dictionary<(string, string), int>();
            foreach (var (symbols, count) in sequences)
            {
                for (var i = 0; i + 1 < symbols.Count; i++)
                {
                    var pair = (symbols[i], symbols[i + 1]);
                    pairs[pair] = pairs.GetValueOrDefault(pair) + count;
                }
            }

            if (pairs.Count == 0)
            {
                break;
            }

            var best = pairs
                .OrderByDescending(kv => kv.Value)
                .ThenBy(kv => kv.Key.Item1, StringComparer.Ordinal)
                .ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal)
                .First();
            var (left, right) = best.Key;
            merges.Add((left, right));
            foreach (var (symbols, _) in sequences)
            {
                for (var i = 0; i + 1 < symbols.Count; i++)
                {
                    if (symbols[i] == left && symbols[i + 1] == right)
                    {
                        symbols[i] = left + right;
                        symbols.RemoveAt(i + 1);
                    }
                }
            }
        }

        return (characters, merges);
    }

    /// <summary>Splits lines into words that start at a space marker; each word is a list of characters (runes).</summary>
    private static Dictionary<string[], int> CountWords(string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r').Replace(' ', SpaceMarker);
            var start = 0;
            for (var i = 1; i <= line.Length; i++)
            {
                if (i == line.Length || line[i] == SpaceMarker)
                {
                    if (i > start)
                    {
                        var word = line[start..i];
                        counts[word] = counts.GetValueOrDefault(word) + 1;
                    }

                    start = i;
                }
            }
        }

        var result = new Dictionary<string[], int>();
        foreach (var (word, count) in counts)
        {
            result[SplitRunes(word)] = count;
        }

        return result;
    }

    internal static string[] SplitRunes(string text)
    {
        var runes = new List<string>();
        foreach (var rune in text.EnumerateRunes())
        {
            runes.Add(rune.ToString());
        }

        return [.. runes];
    }

    internal static int Utf8Length(string s) => Encoding.UTF8.GetByteCount(s);
}
