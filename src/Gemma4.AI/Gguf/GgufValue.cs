using System.Globalization;

namespace Gemma4.AI.Gguf;

/// <summary>One GGUF metadata value: a scalar (boxed CLR value), a string, or a <see cref="GgufArray"/>.</summary>
internal sealed class GgufValue
{
    public GgufValue(GgufValueType type, object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Type = type;
        Value = value;
    }

    /// <summary>The type tag stored in the file.</summary>
    public GgufValueType Type { get; }

    /// <summary>
    /// The value: <see cref="byte"/>, <see cref="sbyte"/>, <see cref="ushort"/>, <see cref="short"/>, <see cref="uint"/>,
    /// <see cref="int"/>, <see cref="float"/>, <see cref="bool"/>, <see cref="string"/>, <see cref="ulong"/>,
    /// <see cref="long"/>, <see cref="double"/> or <see cref="GgufArray"/>.
    /// </summary>
    public object Value { get; }

    public bool IsArray => Type == GgufValueType.Array;

    public bool IsInteger => IsIntegerType(Type);

    /// <summary>The value as a 64-bit integer when it is an integer scalar that fits.</summary>
    public bool TryGetInt64(out long result)
    {
        switch (Value)
        {
            case byte v: result = v; return true;
            case sbyte v: result = v; return true;
            case ushort v: result = v; return true;
            case short v: result = v; return true;
            case uint v: result = v; return true;
            case int v: result = v; return true;
            case long v: result = v; return true;
            case ulong v when v <= long.MaxValue: result = (long)v; return true;
            default: result = 0; return false;
        }
    }

    /// <summary>The value as a double when it is a float or integer scalar.</summary>
    public bool TryGetDouble(out double result)
    {
        switch (Value)
        {
            case float v: result = v; return true;
            case double v: result = v; return true;
            case ulong v: result = v; return true;
            default:
                var ok = TryGetInt64(out var l);
                result = l;
                return ok;
        }
    }

    public string? AsString() => Value as string;

    public GgufArray? AsArray() => Value as GgufArray;

    public override string ToString() => Value switch
    {
        string s => s.Length > 80 ? string.Concat(s.AsSpan(0, 77), "...") : s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? string.Empty,
    };

    internal static bool IsIntegerType(GgufValueType type) => type is GgufValueType.UInt8 or GgufValueType.Int8
        or GgufValueType.UInt16 or GgufValueType.Int16 or GgufValueType.UInt32 or GgufValueType.Int32
        or GgufValueType.UInt64 or GgufValueType.Int64;

    /// <summary>Size in bytes of a fixed-size value type; 0 for string and array.</summary>
    internal static int FixedSize(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
        _ => 0,
    };
}
