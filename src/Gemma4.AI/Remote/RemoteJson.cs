using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Remote;

/// <summary>Lenient reading of engine JSON (fields missing, null, or of another type than documented) and strict writing.</summary>
internal static class RemoteJson
{
    /// <summary>The deepest JSON value (schema, argument, result) sent, as in-process: <see cref="Formatting.TemplateValueConverter.MaxDepth"/>.</summary>
    public const int MaxValueDepth = Formatting.TemplateValueConverter.MaxDepth;

    // Room for such a value inside the request's own levels (body, tools, function, parameters…); System.Text.Json's
    // default of 64 refused values the in-process client takes.
    private const int MaxDocumentDepth = 2 * MaxValueDepth;

    /// <summary>How request bodies are written: compact, nulls kept only where set explicitly.</summary>
    public static readonly JsonSerializerOptions WriteOptions = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false, MaxDepth = MaxDocumentDepth };

    /// <summary>The property's value when it is an object; default otherwise.</summary>
    public static bool TryObject(this JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>The property's value when it is an array.</summary>
    public static bool TryArray(this JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.Array)
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>The property as a string: strings as they are, numbers and booleans as their JSON text; null when absent or null.</summary>
    public static string? String(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            // An escaped lone surrogate ("\ud800"), which GetString throws on, comes back as U+FFFD: output is valid Unicode.
            JsonValueKind.String => Formatting.Utf16.ReplaceLoneSurrogates(Formatting.Utf16.GetString(value)),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
    }

    /// <summary>The property as a whole number (a JSON number, or a string holding one); null otherwise.</summary>
    public static long? Int64(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.TryGetInt64(out var n) ? n : value.TryGetDouble(out var d) && d is >= long.MinValue and <= long.MaxValue ? (long)d : null;
        }

        return value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : null;
    }

    /// <summary>The property when it is true or false; null otherwise.</summary>
    public static bool? Boolean(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null }
            : null;

    /// <summary>The first of <paramref name="names"/> that holds a non-empty string.</summary>
    public static string? FirstString(this JsonElement element, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (element.String(name) is { Length: > 0 } value)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>A value MEAI holds (a JsonElement, string, number, dictionary…) as a JSON node.</summary>
    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement element => JsonNode.Parse(element.GetRawText(), documentOptions: new JsonDocumentOptions { MaxDepth = MaxDocumentDepth }),
        _ => JsonSerializer.SerializeToNode(value, WriteOptions.GetTypeInfo(value.GetType())),
    };

    /// <summary>Whether <paramref name="element"/> nests more than <paramref name="levels"/> arrays and objects (walked no deeper than that).</summary>
    public static bool NestsDeeperThan(JsonElement element, int levels)
    {
        if (element.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            return false;
        }

        if (levels == 0)
        {
            return true;
        }

        return element.ValueKind == JsonValueKind.Object
            ? element.EnumerateObject().Any(p => NestsDeeperThan(p.Value, levels - 1))
            : element.EnumerateArray().Any(e => NestsDeeperThan(e, levels - 1));
    }

    /// <summary>Sets <paramref name="name"/> unless the body already has it (a caller's raw body wins) or the value is unset.</summary>
    public static void AddIfSet<T>(JsonObject body, string name, T? value)
        where T : struct
    {
        if (value is { } v)
        {
            body.TryAdd(name, JsonValue.Create(v));
        }
    }

    /// <summary>Strings as a JSON array.</summary>
    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(static v => (JsonNode?)JsonValue.Create(v))]);

    /// <summary>A whole response body as JSON; a body that is not JSON (a proxy's page) becomes a clear error.</summary>
    public static JsonDocument ParseBody(BinaryData body, RemoteDialect dialect, Uri uri)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            var text = body.ToString();
            throw new Gemma4RemoteException(
                $"{dialect.DisplayName} at {uri} answered with a body that is not JSON: {(text.Length <= 200 ? text : text[..200] + "…")}", dialect.Engine, uri, innerException: ex);
        }
    }

    /// <summary>The body to send.</summary>
    public static BinaryData ToBinary(JsonObject body) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(body, WriteOptions.GetTypeInfo(typeof(JsonObject))));
}
