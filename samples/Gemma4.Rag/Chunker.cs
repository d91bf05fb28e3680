using System.Text;

namespace Gemma4.Rag;

/// <summary>
/// Splits a document only when it is longer than the embedding model takes in one input: at paragraph breaks, then
/// at line breaks, then between words, so every chunk fits.
/// </summary>
internal static class Chunker
{
    public static List<string> Split(string text, int maxTokens, Func<string, int> countTokens)
    {
        if (countTokens(text) <= maxTokens)
        {
            return [text]; // the usual case: one document, one vector
        }

        var chunks = new List<string>();
        var current = new StringBuilder();
        foreach (var piece in Pieces(text, maxTokens, countTokens))
        {
            var candidate = current.Length == 0 ? piece : current + "\n\n" + piece;
            if (current.Length > 0 && countTokens(candidate) > maxTokens)
            {
                chunks.Add(current.ToString());
                current.Clear().Append(piece);
            }
            else
            {
                current.Clear().Append(candidate);
            }
        }

        if (current.Length > 0)
        {
            chunks.Add(current.ToString());
        }

        return chunks;
    }

    /// <summary>Paragraphs, each already cut down (by lines, then words) to fit on its own.</summary>
    private static IEnumerable<string> Pieces(string text, int maxTokens, Func<string, int> countTokens)
    {
        foreach (var paragraph in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (countTokens(paragraph) <= maxTokens)
            {
                yield return paragraph;
                continue;
            }

            var part = new StringBuilder();
            foreach (var word in paragraph.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.Length > 0 && countTokens(part + " " + word) > maxTokens)
                {
                    yield return part.ToString();
                    part.Clear();
                }

                part.Append(part.Length == 0 ? word : " " + word);
            }

            if (part.Length > 0)
            {
                yield return part.ToString();
            }
        }
    }
}
