using System.Collections;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Grammar;

/// <summary>The integers a .NET type (or a schema <c>format</c>) can hold; null on a side means no limit there.</summary>
/// <remarks>
/// JSON schemas made by Microsoft.Extensions.AI say only <c>"type": "integer"</c> for byte, short, int and long alike,
/// so a grammar left to the schema let a model write <c>2228968267322</c> for an <c>int</c> parameter and argument
/// binding failed. Where the function's .NET parameters are known (<see cref="AIFunction.UnderlyingMethod"/>) or the
/// schema names a <c>format</c> such as <c>int32</c>, the grammar keeps integers within the type.
/// </remarks>
internal readonly record struct IntegerRange(long? Min, long? Max)
{
    /// <summary>The range of an integral .NET type (Nullable unwrapped); null for other types and for long, whose range
    /// the grammar's unbounded integers (at most 16 digits) already keep within.</summary>
    public static IntegerRange? Of(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return Type.GetTypeCode(type) switch
        {
            TypeCode.SByte => new(sbyte.MinValue, sbyte.MaxValue),
            TypeCode.Byte => new(byte.MinValue, byte.MaxValue),
            TypeCode.Int16 => new(short.MinValue, short.MaxValue),
            TypeCode.UInt16 => new(ushort.MinValue, ushort.MaxValue),
            TypeCode.Int32 => new(int.MinValue, int.MaxValue),
            TypeCode.UInt32 => new(uint.MinValue, uint.MaxValue),
            TypeCode.UInt64 => new(0, null),
            _ => null,
        };
    }

    /// <summary>The range a schema's integer <c>format</c> names (OpenAPI's int32/int64 and the sized variants), or null.</summary>
    public static IntegerRange? OfFormat(string? format) => format switch
    {
        "int8" => Of(typeof(sbyte)),
        "uint8" => Of(typeof(byte)),
        "int16" => Of(typeof(short)),
        "uint16" => Of(typeof(ushort)),
        "int32" => Of(typeof(int)),
        "uint32" => Of(typeof(uint)),
        "uint64" => Of(typeof(ulong)),
        _ => null,
    };

    /// <summary>
    /// The integer ranges of a function's parameters by JSON pointer into its schema (<c>/properties/NAME</c>, and
    /// <c>/items</c> or <c>/additionalProperties</c> below it for collections and dictionaries of integers); empty when
    /// the .NET method is unknown.
    /// </summary>
    public static IReadOnlyDictionary<string, IntegerRange> OfParameters(AIFunctionDeclaration function)
    {
        var ranges = new Dictionary<string, IntegerRange>(StringComparer.Ordinal);
        if (function is not AIFunction { UnderlyingMethod: { } method })
        {
            return ranges;
        }

        foreach (var parameter in method.GetParameters())
        {
            if (parameter.Name is not { } name)
            {
                continue;
            }

            var pointer = "/properties/" + JsonPointer.Escape(name);
            if (Of(parameter.ParameterType) is { } range)
            {
                ranges[pointer] = range;
            }
            else if (ElementOf(parameter.ParameterType) is { } element && Of(element.Type) is { } elementRange)
            {
                ranges[pointer + element.Suffix] = elementRange;
            }
        }

        return ranges;
    }

    /// <summary>This range narrowed by <paramref name="other"/>.</summary>
    public IntegerRange Intersect(IntegerRange other) => new(
        Min is { } a && other.Min is { } b ? Math.Max(a, b) : Min ?? other.Min,
        Max is { } c && other.Max is { } d ? Math.Min(c, d) : Max ?? other.Max);

    // The element type of an array or a generic collection (/items), or the value type of a string-keyed dictionary
    // (/additionalProperties).
    private static (Type Type, string Suffix)? ElementOf(Type type)
    {
        if (type.IsArray)
        {
            return (type.GetElementType()!, "/items");
        }

        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        foreach (var candidate in type.GetInterfaces().Prepend(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IDictionary<,>)
                || candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
            {
                return candidate.GetGenericArguments() is [var key, var value] && key == typeof(string) ? (value, "/additionalProperties") : null;
            }
        }

        foreach (var candidate in type.GetInterfaces().Prepend(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return (candidate.GetGenericArguments()[0], "/items");
            }
        }

        return null;
    }

    /// <summary>The <c>format</c> of an integer schema, if it is a string.</summary>
    public static string? FormatOf(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String
            ? format.GetString()
            : null;
}
