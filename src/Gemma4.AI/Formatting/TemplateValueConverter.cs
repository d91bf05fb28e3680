using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Formatting;

/// <summary>Turns JSON and CLR values into the template's Python value model, as <c>json.loads</c> would.</summary>
/// <remarks>
/// JSON numbers without a fraction or exponent become Python ints (arbitrary precision), all others floats.
/// CLR objects other than primitives, dictionaries and lists go through System.Text.Json with
/// <see cref="AIJsonUtilities.DefaultOptions"/>, so such an object renders exactly like its JSON.
/// </remarks>
internal static class TemplateValueConverter
{
    /// <summary>The deepest nesting converted: beyond it a value (a cycle, or a hostile document) throws instead of
    /// overflowing the stack.</summary>
    public const int MaxDepth = 128;

    /// <summary>Converts a JSON element.</summary>
    /// <exception cref="JsonException">The element nests more than <see cref="MaxDepth"/> levels.</exception>
    public static object? FromJson(JsonElement element) => FromJson(element, depth: 0);

    private static object? FromJson(JsonElement element, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var dict = new PyDict();
                foreach (var property in element.EnumerateObject())
                {
                    dict[Utf16.GetName(property)] = FromJson(property.Value, Deeper(depth));
                }

                return dict;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(item => FromJson(item, Deeper(depth))).ToList();
            case JsonValueKind.String:
                return Utf16.GetString(element); // an escaped lone surrogate is kept; the prompt builder replaces it
            case JsonValueKind.Number:
                return FromJsonNumber(element.GetRawText());
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                // Null, and Undefined (a default JsonElement), are None.
                return null;
        }
    }

    /// <summary>Converts a CLR value.</summary>
    /// <remarks>
    /// Integral numbers become ints and floating-point numbers (<see cref="double"/>, <see cref="float"/>,
    /// <see cref="Half"/>, <see cref="decimal"/>) floats, as Python would see them, so <c>3.0</c> prints <c>3.0</c>.
    /// String-keyed dictionaries and enumerables are walked; anything else is serialized with System.Text.Json.
    /// </remarks>
    /// <exception cref="NotSupportedException">System.Text.Json cannot serialize the value.</exception>
    /// <exception cref="JsonException">System.Text.Json cannot serialize the value (for example, a cycle).</exception>
    public static object? FromObject(object? value) => FromObject(value, depth: 0);

    private static object? FromObject(object? value, int depth) => value switch
    {
        null => null,
        string s => s,
        bool b => b,
        JsonElement e => FromJson(e, depth),
        sbyte or byte or short or ushort or int or uint or long or ulong or Int128 or UInt128 =>
            BigInteger.Parse(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        BigInteger i => i,
        double d => d,

        // The shortest text of a float is what its JSON would hold; Python reads that text as a double.
        float f => float.IsFinite(f) ? double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : f,
        Half h => Half.IsFinite(h) ? double.Parse(h.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : (double)h,
        decimal m => double.Parse(m.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        JsonNode or byte[] or ReadOnlyMemory<byte> or Memory<byte> => FromSerialized(value),
        IDictionary<string, object?> map => FromPairs(map, Deeper(depth)),
        IDictionary map when map.Keys.Cast<object>().All(k => k is string) =>
            FromPairs(map.Cast<DictionaryEntry>().Select(e => new KeyValuePair<string, object?>((string)e.Key, e.Value)), Deeper(depth)),
        IEnumerable items and not IDictionary => items.Cast<object?>().Select(item => FromObject(item, Deeper(depth))).ToList(),
        _ => FromSerialized(value),
    };

    private static PyDict FromPairs(IEnumerable<KeyValuePair<string, object?>> pairs, int depth)
    {
        var dict = new PyDict();
        foreach (var (key, item) in pairs)
        {
            dict[key] = FromObject(item, depth);
        }

        return dict;
    }

    // A collection that contains itself, or a document nested deeper than the limit, fails instead of overflowing the stack.
    private static int Deeper(int depth) =>
        depth < MaxDepth ? depth + 1 : throw new JsonException($"The value is nested more than {MaxDepth} levels deep (a cycle?).");

    private static object? FromSerialized(object value) =>
        FromJson(JsonSerializer.SerializeToElement(value, value.GetType(), AIJsonUtilities.DefaultOptions));

    private static object FromJsonNumber(string raw) =>
        raw.AsSpan().IndexOfAny('.', 'e', 'E') >= 0
            ? double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture)
            : BigInteger.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
