using System.Text.Json;

namespace Gemma4.AI.Grammar;

/// <summary>Strings, integers and numbers.</summary>
internal sealed partial class SchemaConverter
{
    private string String(JsonElement schema, string pointer, string hint)
    {
        if (schema.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String
            && SharedRules.Format(_grammar, format.GetString()!) is { } body)
        {
            return _syntax.Quoted(_grammar, body);
        }

        var minLength = Count(schema, "minLength", pointer) ?? 0;
        var maxLength = Count(schema, "maxLength", pointer);
        if (minLength > MaxRepetition)
        {
            throw SchemaKeywords.Unsupported("minLength", pointer + "/minLength", $"at most {MaxRepetition} can be enforced");
        }

        if (maxLength < minLength)
        {
            throw SchemaKeywords.Unsupported("maxLength", pointer + "/maxLength", "maxLength is below minLength");
        }

        return _syntax.String(_grammar, minLength, maxLength > MaxRepetition ? null : maxLength);
    }

    private string Integer(JsonElement schema, string pointer, string hint)
    {
        long? min = null, max = null;
        if (Bound(schema, "minimum", pointer) is { } minimum)
        {
            min = (long)Math.Ceiling(minimum);
        }

        if (Bound(schema, "maximum", pointer) is { } maximum)
        {
            max = (long)Math.Floor(maximum);
        }

        if (ExclusiveBound(schema, "exclusiveMinimum", "minimum", pointer) is { } exclusiveMinimum)
        {
            min = Math.Max(min ?? long.MinValue, (long)Math.Floor(exclusiveMinimum) + 1);
        }

        if (ExclusiveBound(schema, "exclusiveMaximum", "maximum", pointer) is { } exclusiveMaximum)
        {
            max = Math.Min(max ?? long.MaxValue, (long)Math.Ceiling(exclusiveMaximum) - 1);
        }

        // What the .NET parameter (or the schema's format) can hold narrows the schema's own bounds.
        var range = new IntegerRange(min, max);
        if (IntegerRange.OfFormat(IntegerRange.FormatOf(schema)) is { } formatRange)
        {
            range = range.Intersect(formatRange);
        }

        if (_integerRanges.TryGetValue(pointer, out var typeRange))
        {
            range = range.Intersect(typeRange);
        }

        (min, max) = (range.Min, range.Max);
        if (min is null && max is null)
        {
            return SharedRules.Integer(_grammar);
        }

        if (min > max)
        {
            throw SchemaKeywords.Unsupported("minimum", pointer, "no integer lies within the bounds");
        }

        return _grammar.Add(hint + "-integer", NumericRanges.Integer(min, max));
    }

    private string Number(JsonElement schema, string pointer, string hint)
    {
        foreach (var keyword in (string[])["exclusiveMinimum", "exclusiveMaximum"])
        {
            if (schema.TryGetProperty(keyword, out var value) && value.ValueKind is not (JsonValueKind.False or JsonValueKind.Null))
            {
                throw SchemaKeywords.Unsupported(keyword, pointer + "/" + keyword, "exclusive bounds can only be enforced on integers");
            }
        }

        var min = Bound(schema, "minimum", pointer);
        var max = Bound(schema, "maximum", pointer);
        if (min is null && max is null)
        {
            return SharedRules.Number(_grammar);
        }

        foreach (var (keyword, bound) in (ReadOnlySpan<(string, double?)>)[("minimum", min), ("maximum", max)])
        {
            if (bound is { } b && b != Math.Floor(b))
            {
                throw SchemaKeywords.Unsupported(keyword, pointer + "/" + keyword, "bounds of a number can only be enforced when they are integers");
            }
        }

        if (min > max)
        {
            throw SchemaKeywords.Unsupported("minimum", pointer, "no number lies within the bounds");
        }

        return _grammar.Add(hint + "-number", NumericRanges.Decimal((long?)min, (long?)max));
    }

    // A non-negative count such as minLength; null when absent.
    private static int? Count(JsonElement schema, string keyword, string pointer)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var d) || d < 0 || d != Math.Floor(d))
        {
            throw SchemaKeywords.Unsupported(keyword, pointer + "/" + keyword, keyword + " must be a non-negative integer");
        }

        return d > int.MaxValue ? int.MaxValue : (int)d;
    }

    // A numeric bound within what the digit arithmetic handles; null when absent.
    private static double? Bound(JsonElement schema, string keyword, string pointer)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var d))
        {
            throw SchemaKeywords.Unsupported(keyword, pointer + "/" + keyword, keyword + " must be a number");
        }

        if (Math.Abs(d) >= NumericRanges.MaxBound)
        {
            throw SchemaKeywords.Unsupported(keyword, pointer + "/" + keyword, $"bounds beyond ±{NumericRanges.MaxBound} cannot be enforced");
        }

        return d;
    }

    // exclusiveMinimum/Maximum: a number (draft 6 on), or true to make minimum/maximum exclusive (draft 4).
    private static double? ExclusiveBound(JsonElement schema, string keyword, string inclusiveKeyword, string pointer)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => Bound(schema, inclusiveKeyword, pointer),
            JsonValueKind.False => null,
            _ => Bound(schema, keyword, pointer),
        };
    }
}
