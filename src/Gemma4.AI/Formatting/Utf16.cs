using System.Text;
using System.Runtime.InteropServices;
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
    /// The string a JSON string element holds. Unlike <see cref="JsonElement.GetString"/>, which throws
    /// <see cref="InvalidOperationException"/> for an escaped lone surrogate (<c>"\ud800"</c>, which is what System.Text.Json
    /// writes for one), this keeps it, for the prompt builder to replace.
    /// </summary>
    public static string GetString(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException) when (element.ValueKind == JsonValueKind.String)
        {
            return Unescape(JsonMarshal.GetRawUtf8Value(element)[1..^1]);
        }
    }

    /// <summary>A JSON property's name, keeping an escaped lone surrogate (see <see cref="GetString"/>).</summary>
    public static string GetName(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return Unescape(JsonMarshal.GetRawUtf8PropertyName(property));
        }
    }

    // The characters of a JSON string literal's body (UTF-8, escapes as written), \uXXXX escapes taken one by one.
    private static string Unescape(ReadOnlySpan<byte> raw)
    {
        var text = Encoding.UTF8.GetString(raw);
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length)
            {
                builder.Append(text[i]);
                continue;
            }

            var escape = text[++i];
            if (escape == 'u' && i + 4 < text.Length)
            {
                builder.Append((char)int.Parse(text.AsSpan(i + 1, 4), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture));
                i += 4;
                continue;
            }

            builder.Append(escape switch
            {
                'b' => '\b',
                'f' => '\f',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                _ => escape, // \" \\ \/
            });
        }

        return builder.ToString();
    }

    /// <summary>
    /// The JSON pointer of the first key or string in <paramref name="element"/> holding a lone surrogate (a key is
    /// reported as <c>…/(a key)</c> under its object), or null.
    /// </summary>
    public static string? FindLoneSurrogate(JsonElement element, string pointer = "") => FindLoneSurrogate(element, pointer, depth: 0);

    // Stops descending past TemplateValueConverter.MaxDepth: deeper documents are refused by the converters anyway.
    private static string? FindLoneSurrogate(JsonElement element, string pointer, int depth)
    {
        if (depth > TemplateValueConverter.MaxDepth)
        {
            return null;
        }

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

                    if (FindLoneSurrogate(property.Value, pointer + "/" + Grammar.JsonPointer.Escape(name), depth + 1) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindLoneSurrogate(item, pointer + "/" + index++, depth + 1) is { } found)
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
