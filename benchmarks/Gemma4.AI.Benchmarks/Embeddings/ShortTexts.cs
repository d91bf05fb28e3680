using System.Globalization;

namespace Gemma4.AI.Benchmarks.Embeddings;

/// <summary>Deterministic, all different short texts.</summary>
/// <remarks>
/// The tiny test model's tokenizer learned its merges from a few sentences, so ordinary English costs it about three
/// times the tokens a real Gemma vocabulary would. <c>Short</c> texts are built from words it knows, giving the token
/// counts (about 14) of real short texts such as search queries or titles; <c>Sentence</c> texts are ordinary
/// sentences (about 28 tokens here). The benchmark prints the average either way.
/// </remarks>
internal static class ShortTexts
{
    private static readonly string[] Subjects = ["The model", "The user", "A small language model", "Every request", "The tokenizer", "The cache", "A global layer", "The stories"];
    private static readonly string[] Verbs = ["answers", "reads", "writes", "shares", "turns", "sees", "keeps", "waits for"];
    private static readonly string[] Objects = ["a short reply", "the next turn", "the whole conversation", "the same context", "the weather in Paris", "many books", "the last few hundred tokens", "text into pieces"];

    private static readonly string[] SentenceSubjects = ["The quick brown fox", "A lazy dog", "My neighbour", "The old teacher", "A small robot", "Our team", "The river", "A curious child"];
    private static readonly string[] SentenceVerbs = ["jumps over", "writes about", "looks at", "runs past", "talks to", "waits for", "finds", "remembers"];
    private static readonly string[] SentenceObjects = ["the fence", "a red book", "the city lights", "an open window", "the morning train", "a quiet garden", "the last page", "a warm cup of tea"];

    public static string[] Create(int count, bool sentences)
    {
        var (s, v, o) = sentences ? (SentenceSubjects, SentenceVerbs, SentenceObjects) : (Subjects, Verbs, Objects);
        return [.. Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture,
            $"{s[i % s.Length]} {v[i / s.Length % v.Length]} {o[i / 64 % o.Length]} {(sentences ? "on day " : string.Empty)}{i}."))];
    }
}
