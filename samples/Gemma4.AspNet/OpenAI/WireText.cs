using System.Text.Json;

namespace Gemma4.AspNet.OpenAI;

/// <summary>
/// Checks every string and key of a JSON value before anything reads it: invalid UTF-8 bytes and unpaired surrogate
/// escapes (<c>"\ud800"</c>) cannot become .NET text, and a duplicated key makes the request ambiguous. Each is a 400
/// naming the field; left alone, the first read deep in the mapping or the library would throw
/// <see cref="InvalidOperationException"/> (a 500, which clients retry).
/// </summary>
internal static class WireText
{
    /// <summary>Throws the problem <see cref="Find"/> reports, if any.</summary>
    public static void EnsureValid(JsonElement element, string? path)
    {
        if (Find(element, path) is { } problem)
        {
            throw problem;
        }
    }

    /// <summary>The first unreadable string or duplicated key under <paramref name="path"/>, as the 400 to answer; null if none.</summary>
    public static OpenAIRequestException? Find(JsonElement element, string? path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsText(element, static e => e.GetString()) ? null : NotText($"'{path ?? "body"}' is", path);
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, WirePath.Index(path, index++)) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case JsonValueKind.Object:
                HashSet<string>? names = null;
                foreach (var property in element.EnumerateObject())
                {
                    if (!IsText(property, static p => p.Name))
                    {
                        return NotText($"A key in '{path ?? "body"}' is", path);
                    }

                    var child = WirePath.Property(path, property.Name);
                    if (!(names ??= new HashSet<string>(StringComparer.Ordinal)).Add(property.Name))
                    {
                        return new OpenAIRequestException($"'{child}' appears twice; each key may appear once.", child);
                    }

                    if (Find(property.Value, child) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool IsText<T>(T value, Func<T, string?> read)
    {
        try
        {
            read(value);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // System.Text.Json cannot transcode it to UTF-16
        }
    }

    private static OpenAIRequestException NotText(string what, string? param) =>
        new($"{what} not valid Unicode text (invalid UTF-8 bytes, or an unpaired surrogate such as \\ud800).", param);
}
