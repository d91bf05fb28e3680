using System.Text;

#pragma warning disable CA1720 // The names are the GGUF specification's own type names.

namespace Gemma4.AI.TestModels;

/// <summary>A GGUF metadata value for <see cref="GgufWriter"/>: a scalar, a string or an array (arrays may nest).</summary>
public sealed class GgufMetadataValue
{
    private GgufMetadataValue(GgufMetadataType type, object value, GgufMetadataType? elementType = null)
    {
        Type = type;
        Value = value;
        ElementType = elementType;
    }

    /// <summary>The type tag.</summary>
    public GgufMetadataType Type { get; }

    /// <summary>For an array, the type of its elements.</summary>
    public GgufMetadataType? ElementType { get; }

    /// <summary>The scalar (a boxed CLR value or string), or for an array a CLR array (<c>uint[]</c>, <c>string[]</c>, <c>GgufMetadataValue[]</c>...).</summary>
    public object Value { get; }

    /// <summary>Creates a UInt8 value.</summary>
    /// <param name="value">The value.</param>
    public static GgufMetadataValue UInt8(byte value) => new(GgufMetadataType.UInt8, value);

    /// <summary>Creates an Int8 value.</summary>
    /// <param name="value">The value.</param>
    public static GgufMetadataValue Int8(sbyte value) => new(GgufMetadataType.Int8, value);

    /// <summary>Creates a UInt16 value.</summary>
    /// <param name="value">The value.</param>
    public static GgufMetadataValue UInt16(ushort value) => new(GgufMetadataType.UInt16, value);

    /// <summary>Creates an Int16 value.</summary>
    /// <param name="value">The value.</param>
    public static GgufMetadataValue Int16(short value) => new(GgufMetadataType.Int16, value);

    /// <summary>Creates a UInt32 value.</summary>
    /// <param name="value">The value.</param>
    public static GgufMetadataValue UInt32(uint value) => new(GgufMetadataType.UInt32, value);

    /// <summary>Creates an Int32 value.</summary>
    /// <param name="value">The value.</param>
    public static GgufMetadataValue Int32(int value) => new(GgufMetadataType.Int32, value);

    /// <summary>Creates a Float32 value.</summary>
    /// <param name="value">The value.</param>
    public static GgufMetadataValue Float32(float value) => new(GgufMetadataType.Float32, value);

    /// <summary>Creates a Bool value.</summary>
    /// <param name="value">The value.</param>
    public static GgufMetadataValue Bool(bool value) => new(GgufMetadataType.Bool, value);

    /// <summary>Creates a String value.</summary>
    /// <param name="value">The value.</param>
    public static GgufMetadataValue String(string value) => new(GgufMetadataType.String, Required(value));

    /// <summary>Creates a UInt64 value.</summary>
    /// <param name="value">The value.</param>
    public static GgufMetadataValue UInt64(ulong value) => new(GgufMetadataType.UInt64, value);

    /// <summary>Creates an Int64 value.</summary>
    /// <param name="value">The value.</param>
    public static GgufMetadataValue Int64(long value) => new(GgufMetadataType.Int64, value);

    /// <summary>Creates a Float64 value.</summary>
    /// <param name="value">The value.</param>
    public static GgufMetadataValue Float64(double value) => new(GgufMetadataType.Float64, value);

    /// <summary>Creates a UInt8 array.</summary>
    /// <param name="values">The elements.</param>
    public static GgufMetadataValue UInt8Array(IEnumerable<byte> values) => Array(GgufMetadataType.UInt8, values);

    /// <summary>Creates an Int8 array.</summary>
    /// <param name="values">The elements.</param>
    public static GgufMetadataValue Int8Array(IEnumerable<sbyte> values) => Array(GgufMetadataType.Int8, values);

    /// <summary>Creates a UInt16 array.</summary>
    /// <param name="values">The elements.</param>
    public static GgufMetadataValue UInt16Array(IEnumerable<ushort> values) => Array(GgufMetadataType.UInt16, values);

    /// <summary>Creates an Int16 array.</summary>
    /// <param name="values">The elements.</param>
    public static GgufMetadataValue Int16Array(IEnumerable<short> values) => Array(GgufMetadataType.Int16, values);

    /// <summary>Creates a UInt32 array.</summary>
    /// <param name="values">The elements.</param>
    public static GgufMetadataValue UInt32Array(IEnumerable<uint> values) => Array(GgufMetadataType.UInt32, values);

    /// <summary>Creates an Int32 array.</summary>
    /// <param name="values">The elements.</param>
    public static GgufMetadataValue Int32Array(IEnumerable<int> values) => Array(GgufMetadataType.Int32, values);

    /// <summary>Creates a Float32 array.</summary>
    /// <param name="values">The elements.</param>
    public static GgufMetadataValue Float32Array(IEnumerable<float> values) => Array(GgufMetadataType.Float32, values);

    /// <summary>Creates a Bool array.</summary>
    /// <param name="values">The elements.</param>
    public static GgufMetadataValue BoolArray(IEnumerable<bool> values) => Array(GgufMetadataType.Bool, values);

    /// <summary>Creates a String array.</summary>
    /// <param name="values">The elements.</param>
    public static GgufMetadataValue StringArray(IEnumerable<string> values) => Array(GgufMetadataType.String, values);

    /// <summary>Creates a UInt64 array.</summary>
    /// <param name="values">The elements.</param>
    public static GgufMetadataValue UInt64Array(IEnumerable<ulong> values) => Array(GgufMetadataType.UInt64, values);

    /// <summary>Creates an Int64 array.</summary>
    /// <param name="values">The elements.</param>
    public static GgufMetadataValue Int64Array(IEnumerable<long> values) => Array(GgufMetadataType.Int64, values);

    /// <summary>Creates a Float64 array.</summary>
    /// <param name="values">The elements.</param>
    public static GgufMetadataValue Float64Array(IEnumerable<double> values) => Array(GgufMetadataType.Float64, values);

    /// <summary>Creates an array of arrays (every element must itself be an array value).</summary>
    /// <param name="arrays">The nested arrays.</param>
    public static GgufMetadataValue ArrayOfArrays(IEnumerable<GgufMetadataValue> arrays)
    {
        var items = arrays.ToArray();
        if (items.Any(a => a is null || a.Type != GgufMetadataType.Array))
        {
            throw new ArgumentException("Every element of an array of arrays must be an array value.", nameof(arrays));
        }

        return new(GgufMetadataType.Array, items, GgufMetadataType.Array);
    }

    /// <summary>Writes the value (type tag not included) in GGUF encoding.</summary>
    internal void WritePayload(BinaryWriter writer)
    {
        if (Type != GgufMetadataType.Array)
        {
            WriteScalar(writer, Type, Value);
            return;
        }

        var items = (System.Array)Value;
        writer.Write((uint)ElementType!.Value);
        writer.Write((ulong)items.Length);
        foreach (var item in items)
        {
            if (item is GgufMetadataValue nested)
            {
                nested.WritePayload(writer);
            }
            else
            {
                WriteScalar(writer, ElementType.Value, item!);
            }
        }
    }

    internal static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteScalar(BinaryWriter writer, GgufMetadataType type, object value)
    {
        switch (type)
        {
            case GgufMetadataType.UInt8: writer.Write((byte)value); break;
            case GgufMetadataType.Int8: writer.Write((sbyte)value); break;
            case GgufMetadataType.UInt16: writer.Write((ushort)value); break;
            case GgufMetadataType.Int16: writer.Write((short)value); break;
            case GgufMetadataType.UInt32: writer.Write((uint)value); break;
            case GgufMetadataType.Int32: writer.Write((int)value); break;
            case GgufMetadataType.Float32: writer.Write((float)value); break;
            case GgufMetadataType.Bool: writer.Write((byte)((bool)value ? 1 : 0)); break;
            case GgufMetadataType.String: WriteString(writer, (string)value); break;
            case GgufMetadataType.UInt64: writer.Write((ulong)value); break;
            case GgufMetadataType.Int64: writer.Write((long)value); break;
            case GgufMetadataType.Float64: writer.Write((double)value); break;
            default: throw new InvalidOperationException($"Cannot write a {type} as a scalar.");
        }
    }

    private static GgufMetadataValue Array<T>(GgufMetadataType elementType, IEnumerable<T> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var items = values.ToArray();
        if (items is string[] strings && strings.Any(s => s is null))
        {
            throw new ArgumentException("String arrays cannot contain null.", nameof(values));
        }

        return new(GgufMetadataType.Array, items, elementType);
    }

    private static string Required(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value;
    }

    /// <inheritdoc />
    public override string ToString() =>
        Type == GgufMetadataType.Array ? $"{ElementType}[{((System.Array)Value).Length}]" : $"{Type} {Value}";
}
