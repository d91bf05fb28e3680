using System.Globalization;
using System.Text;

namespace Gemma4.Samples;

/// <summary>Text from tools and the model made safe for a terminal: control characters are shown as escapes, never sent raw.</summary>
internal static class ConsoleText
{
    /// <summary>
    /// Escapes control and format characters (<c>\u001b</c> would start a terminal escape sequence, <c>\u202e</c> reverses
    /// the text that follows) and unpaired surrogates as <c>\uXXXX</c>. Tabs stay; line breaks become
    /// <paramref name="lineBreak"/> (a newline keeps them).
    /// </summary>
    public static string Printable(string? text, string lineBreak = " | ")
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n' || (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' && ++i > 0))
            {
                builder.Append(lineBreak);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (c != '\t' && (char.IsControl(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
