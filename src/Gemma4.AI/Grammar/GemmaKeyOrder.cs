using System.Text;

namespace Gemma4.AI.Grammar;

/// <summary>The order in which Gemma 4's chat template writes object keys: Jinja's case-insensitive <c>dictsort</c>.</summary>
/// <remarks>Python sorts <c>key.lower()</c> by code point and the sort is stable, so keys that differ only in case keep
/// their declared order.</remarks>
internal static class GemmaKeyOrder
{
    public static IEnumerable<KeyValuePair<string, T>> Sort<T>(IEnumerable<KeyValuePair<string, T>> items) =>
        items.Select(p => (Key: Lower(p.Key), Pair: p)).OrderBy(x => x.Key, CodePointComparer.Instance).Select(x => x.Pair);

    // Python's str.lower() for what keys hold in practice; U+0130 lowers to "i\u0307" in Python.
    private static string Lower(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == 0x130)
            {
                sb.Append("i\u0307");
            }
            else
            {
                sb.Append(Rune.ToLowerInvariant(rune).ToString());
            }
        }

        return sb.ToString();
    }

    private sealed class CodePointComparer : IComparer<string>
    {
        public static readonly CodePointComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = (x ?? string.Empty).EnumerateRunes();
            var b = (y ?? string.Empty).EnumerateRunes();
            while (true)
            {
                var hasA = a.MoveNext();
                var hasB = b.MoveNext();
                if (!hasA || !hasB)
                {
                    return hasA.CompareTo(hasB);
                }

                var c = a.Current.Value.CompareTo(b.Current.Value);
                if (c != 0)
                {
                    return c;
                }
            }
        }
    }
}
