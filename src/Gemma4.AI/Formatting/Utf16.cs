using System.Text;
using System.Text.Json;

namespace Gemma4.AI.Formatting;

/// <summary>
/// Lone surrogates (a UTF-16 half of a character without its other half, such as <c>"\ud800"</c>) have no UTF-8 form,
/// and the model reads UTF-8. Content that carries one (message text, tool results, arguments) gets U+FFFD in its place,
/// as every UTF-8 encoder does; configuration that carries one (stop sequences, tool schemas) is refused, since it
/// could never match what the model writes.
/// </summary>
internal static class Utf16
{
    /// <summary>The index of the first lone surrogate in <paramref name="text"/>, or -1.</summary>
    public static int IndexOfLoneSurrogate(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i]))
            {
                continue;
            }

            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            return i;
        }

        return -1;
    }

    /// <summary><paramref name="text"/> with each lone surrogate replaced by U+FFFD; the same instance when it has none.</summary>
    public static string ReplaceLoneSurrogates(string text) =>
        IndexOfLoneSurrogate(text) < 0 ? text : Replace(text.AsSpan());

    /// <summary><paramref name="text"/> with each lone surrogate replaced by U+FFFD.</summary>
    public static string Replace(ReadOnlySpan<char> text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            builder.Append(rune.ToString()); // EnumerateRunes yields U+FFFD for each lone surrogate
        }

        return builder.ToString();
    }

    /// <summary>
    /// The JSON pointer of the first key or string in <paramref name="element"/> holding a lone surrogate (a key is
    /// reported as <c>…/(a key)</c> under its object), or null.
    /// </summary>
    public static string? FindLoneSurrogate(JsonElement element, string pointer = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return pointer + "/(a key)";
                    }

                    if (IndexOfLoneSurrogate(name) >= 0)
                    {
                        return pointer + "/(a key)";
                    }

                    if (FindLoneSurrogate(property.Value, pointer + "/" + Grammar.JsonPointer.Escape(name)) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindLoneSurrogate(item, pointer + "/" + index++) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.String:
                try
                {
                    return IndexOfLoneSurrogate(element.GetString()) >= 0 ? pointer : null;
                }
                catch (InvalidOperationException)
                {
                    return pointer;
                }

            default:
                return null;
        }
    }
}
