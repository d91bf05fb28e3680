namespace Gemma4.AI.Grammar;

/// <summary>Finds the token references (<c>&lt;|tool_call&gt;</c>, <c>&lt;[42]&gt;</c>) in a GBNF grammar's text.</summary>
internal static class GbnfTokenReferences
{
    /// <summary>The texts and ids of the tokens a grammar names outside literals and character classes.</summary>
    public static (HashSet<string> Texts, HashSet<int> Ids) Find(string gbnf)
    {
        ArgumentNullException.ThrowIfNull(gbnf);
        var texts = new HashSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<int>();
        for (var i = 0; i < gbnf.Length; i++)
        {
            switch (gbnf[i])
            {
                case '#':
                    i = SkipTo(gbnf, i, '\n');
                    break;
                case '"':
                    i = SkipQuoted(gbnf, i, '"');
                    break;
                case '[':
                    i = SkipQuoted(gbnf, i, ']');
                    break;
                case '<':
                    // A token reference runs to the next '>' (its text may hold quotes, as <|"|> does).
                    var end = gbnf.IndexOf('>', i + 1);
                    if (end < 0)
                    {
                        return (texts, ids);
                    }

                    var reference = gbnf[i..(end + 1)];
                    if (reference.StartsWith("<[", StringComparison.Ordinal) && reference.EndsWith("]>", StringComparison.Ordinal)
                        && int.TryParse(reference.AsSpan(2, reference.Length - 4), System.Globalization.CultureInfo.InvariantCulture, out var id))
                    {
                        ids.Add(id);
                    }
                    else
                    {
                        texts.Add(reference);
                    }

                    i = end;
                    break;
            }
        }

        return (texts, ids);
    }

    private static int SkipTo(string text, int i, char end)
    {
        var at = text.IndexOf(end, i + 1);
        return at < 0 ? text.Length : at;
    }

    // Skips a "..." literal or a [...] class, honouring backslash escapes.
    private static int SkipQuoted(string text, int i, char close)
    {
        for (var j = i + 1; j < text.Length; j++)
        {
            if (text[j] == '\\')
            {
                j++;
            }
            else if (text[j] == close)
            {
                return j;
            }
        }

        return text.Length;
    }
}
