using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Gemma4.AI.Tests.Parsing;

/// <summary>A value as the chat template sees it, for writing Gemma syntax and checking what the parser reads.</summary>
internal abstract record GemmaValue
{
    public sealed record Str(string Value) : GemmaValue;

    public sealed record Int(long Value) : GemmaValue;

    public sealed record Float(double Value) : GemmaValue;

    public sealed record Bool(bool Value) : GemmaValue;

    public sealed record Null : GemmaValue;

    public sealed record Array(IReadOnlyList<GemmaValue> Items) : GemmaValue;

    public sealed record Object(IReadOnlyList<KeyValuePair<string, GemmaValue>> Members) : GemmaValue;

    /// <summary>Asserts that <paramref name="actual"/> holds the same JSON value.</summary>
    public static void AssertEqual(GemmaValue expected, JsonElement actual, string path = "$")
    {
        switch (expected)
        {
            case Str s:
                Assert.True(actual.ValueKind == JsonValueKind.String, $"{path}: expected string, got {actual.ValueKind}");
                Assert.Equal(s.Value, actual.GetString());
                break;
            case Int i:
                Assert.True(actual.ValueKind == JsonValueKind.Number, $"{path}: expected number, got {actual.ValueKind}");
                Assert.Equal(i.Value, actual.GetInt64());
                break;
            case Float f:
                Assert.True(actual.ValueKind == JsonValueKind.Number, $"{path}: expected number, got {actual.ValueKind}");
                Assert.Equal(f.Value, actual.GetDouble());
                break;
            case Bool b:
                Assert.Equal(b.Value ? JsonValueKind.True : JsonValueKind.False, actual.ValueKind);
                break;
            case Null:
                Assert.Equal(JsonValueKind.Null, actual.ValueKind);
                break;
            case Array a:
                Assert.True(actual.ValueKind == JsonValueKind.Array, $"{path}: expected array, got {actual.ValueKind}");
                Assert.Equal(a.Items.Count, actual.GetArrayLength());
                var index = 0;
                foreach (var item in actual.EnumerateArray())
                {
                    AssertEqual(a.Items[index], item, $"{path}[{index}]");
                    index++;
                }

                break;
            case Object o:
                Assert.True(actual.ValueKind == JsonValueKind.Object, $"{path}: expected object, got {actual.ValueKind}");
                Assert.Equal(o.Members.Count, actual.EnumerateObject().Count());
                foreach (var (key, value) in o.Members)
                {
                    Assert.True(actual.TryGetProperty(key, out var property), $"{path}: missing key '{key}'");
                    AssertEqual(value, property, $"{path}.{key}");
                }

                break;
            default:
                throw new InvalidOperationException(expected.GetType().Name);
        }
    }
}

/// <summary>
/// Test oracle: writes values the way the official template's <c>format_argument</c> does (keys unquoted by
/// default, sorted case-insensitively like Jinja's dictsort, floats as Python's repr prints them).
/// </summary>
internal static class GemmaSyntaxWriter
{
    public const string Quote = "<|\"|>";

    public static string Call(string name, IReadOnlyList<KeyValuePair<string, GemmaValue>> arguments, bool quoteKeys = false)
    {
        var builder = new StringBuilder("<|tool_call>call:").Append(name);
        WriteObject(builder, arguments, quoteKeys);
        return builder.Append("<tool_call|>").ToString();
    }

    public static string Value(GemmaValue value, bool quoteKeys = false)
    {
        var builder = new StringBuilder();
        Write(builder, value, quoteKeys);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, GemmaValue value, bool quoteKeys)
    {
        switch (value)
        {
            case GemmaValue.Str s:
                builder.Append(Quote).Append(s.Value).Append(Quote);
                break;
            case GemmaValue.Int i:
                builder.Append(i.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case GemmaValue.Float f:
                builder.Append(PythonRepr(f.Value));
                break;
            case GemmaValue.Bool b:
                builder.Append(b.Value ? "true" : "false");
                break;
            case GemmaValue.Null:
                builder.Append("null");
                break;
            case GemmaValue.Array a:
                builder.Append('[');
                for (var k = 0; k < a.Items.Count; k++)
                {
                    if (k > 0)
                    {
                        builder.Append(',');
                    }

                    Write(builder, a.Items[k], quoteKeys);
                }

                builder.Append(']');
                break;
            case GemmaValue.Object o:
                WriteObject(builder, o.Members, quoteKeys);
                break;
            default:
                throw new InvalidOperationException(value.GetType().Name);
        }
    }

    private static void WriteObject(StringBuilder builder, IReadOnlyList<KeyValuePair<string, GemmaValue>> members, bool quoteKeys)
    {
        builder.Append('{');
        var first = true;
        foreach (var (key, value) in DictSort(members))
        {
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            builder.Append(quoteKeys ? Quote + key + Quote : key).Append(':');
            Write(builder, value, quoteKeys);
        }

        builder.Append('}');
    }

    // Jinja's dictsort: by key, case-insensitively, stable.
    private static IEnumerable<KeyValuePair<string, GemmaValue>> DictSort(IEnumerable<KeyValuePair<string, GemmaValue>> members) =>
        members.OrderBy(m => m.Key.ToLowerInvariant(), StringComparer.Ordinal);

    /// <summary>Formats a finite double as Python's <c>repr(float)</c> does.</summary>
    public static string PythonRepr(double value)
    {
        // .NET's "R" gives the shortest round-trip digits; Python lays them out differently.
        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = r.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }

        var dot = r.IndexOf('.', StringComparison.Ordinal);
        var digits = r.Replace(".", string.Empty, StringComparison.Ordinal);
        var point = (dot < 0 ? r.Length : dot) + exponent; // value = 0.DIGITS * 10^point
        var trimmed = digits.TrimStart('0');
        point -= digits.Length - trimmed.Length;
        digits = trimmed.TrimEnd('0');
        var sign = double.IsNegative(value) ? "-" : string.Empty;
        if (digits.Length == 0)
        {
            return sign + "0.0";
        }

        if (point is > -4 and <= 16)
        {
            if (point <= 0)
            {
                return sign + "0." + new string('0', -point) + digits;
            }

            return point >= digits.Length
                ? sign + digits + new string('0', point - digits.Length) + ".0"
                : sign + digits[..point] + "." + digits[point..];
        }

        var mantissa = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
        var exp = point - 1;
        return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
    }
}
