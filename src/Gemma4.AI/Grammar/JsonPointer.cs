using System.Text.Json;

namespace Gemma4.AI.Grammar;

/// <summary>JSON Pointers (RFC 6901) into a schema document: building them for messages, and resolving local <c>$ref</c>s.</summary>
internal static class JsonPointer
{
    /// <summary>Escapes one reference token: <c>~</c> becomes <c>~0</c>, <c>/</c> becomes <c>~1</c>.</summary>
    public static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>The pointer as a URI fragment, as it appears in messages: <c>#</c> for the root, else <c>#/a/b</c>.</summary>
    public static string Display(string pointer) => "#" + pointer;

    /// <summary>Finds the value a pointer (without the leading <c>#</c>) names, or returns false.</summary>
    public static bool TryResolve(JsonElement document, string pointer, out JsonElement value)
    {
        value = document;
        if (pointer.Length == 0)
        {
            return true;
        }

        if (pointer[0] != '/')
        {
            return false;
        }

        foreach (var raw in pointer[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            switch (value.ValueKind)
            {
                case JsonValueKind.Object when value.TryGetProperty(token, out var child):
                    value = child;
                    break;
                case JsonValueKind.Array when int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
                    && index < value.GetArrayLength():
                    value = value[index];
                    break;
                default:
                    return false;
            }
        }

        return true;
    }
}
