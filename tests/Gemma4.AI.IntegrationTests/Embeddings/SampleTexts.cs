using System.Globalization;

namespace Gemma4.AI.IntegrationTests.Embeddings;

/// <summary>Distinct short texts in the test tokenizer's vocabulary.</summary>
internal static class SampleTexts
{
    private static readonly string[] Subjects = ["The model", "The user", "A small language model", "Every request", "The tokenizer", "The cache", "A global layer", "The stories"];
    private static readonly string[] Objects = ["a short reply", "the next turn", "the whole conversation", "the same context", "the weather in Paris", "many books"];

    public static string[] Create(int count, int offset = 0) =>
        [.. Enumerable.Range(offset, count).Select(i => string.Create(CultureInfo.InvariantCulture,
            $"{Subjects[i % Subjects.Length]} reads {Objects[i / Subjects.Length % Objects.Length]} {i}."))];
}
