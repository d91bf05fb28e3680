using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Formatting;

/// <summary>Turns JSON and CLR values into the template's Python value model, as <c>json.loads</c> would.</summary>
/// <remarks>
/// JSON numbers without a fraction or exponent become Python ints (arbitrary precision), all others floats.
/// CLR values other than strings, booleans and JSON go through System.Text.Json with
/// <see cref="AIJsonUtilities.DefaultOptions"/> first, so a CLR object renders exactly like its JSON.
/// </remarks>
internal static class TemplateValueConverter
{
    /// <summary>Converts a JSON element.</summary>
    public static object? FromJson(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var dict = new PyDict();
                foreach (var property in element.EnumerateObject())
                {
                    dict[property.Name] = FromJson(property.Value);
                }

                return dict;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(FromJson).ToList();
            case JsonValueKind.String:
                return element.GetString();
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

    /// <summary>Converts a CLR value (a <see cref="JsonElement"/>, string, boolean, or anything System.Text.Json serializes).</summary>
    /// <exception cref="NotSupportedException">System.Text.Json cannot serialize the value.</exception>
    public static object? FromObject(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b,
        JsonElement e => FromJson(e),
        double d when !double.IsFinite(d) => d,
        float f when !float.IsFinite(f) => (double)f,
        _ => FromJson(JsonSerializer.SerializeToElement(value, value.GetType(), AIJsonUtilities.DefaultOptions)),
    };

    private static object FromJsonNumber(string raw) =>
        raw.AsSpan().IndexOfAny('.', 'e', 'E') >= 0
            ? double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture)
            : BigInteger.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
