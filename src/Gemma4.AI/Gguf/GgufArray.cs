namespace Gemma4.AI.Gguf;

/// <summary>
/// A GGUF array value. Numbers are kept in a typed CLR array (<c>int[]</c>, <c>float[]</c>, ...), bools in a
/// <c>bool[]</c>, strings in a <see cref="GgufStringArray"/> and nested arrays in a <c>GgufArray[]</c>.
/// </summary>
internal sealed class GgufArray
{
    public GgufArray(GgufValueType elementType, Array items)
    {
        ArgumentNullException.ThrowIfNull(items);
        ElementType = elementType;
        Items = items;
    }

    public GgufArray(GgufStringArray strings)
    {
        ArgumentNullException.ThrowIfNull(strings);
        ElementType = GgufValueType.String;
        Strings = strings;
    }

    public GgufValueType ElementType { get; }

    public int Count => Strings?.Count ?? Items!.Length;

    /// <summary>The typed elements for every element type except strings.</summary>
    public Array? Items { get; }

    /// <summary>The elements of a string array.</summary>
    public GgufStringArray? Strings { get; }

    /// <summary>The elements as <typeparamref name="T"/>[] when that is how they are stored (e.g. <c>uint</c> for UInt32).</summary>
    public T[]? As<T>() => Items as T[];

    /// <summary>Element <paramref name="index"/> as a 64-bit integer, for any integer element type.</summary>
    public bool TryGetInt64(int index, out long value)
    {
        switch (Items)
        {
            case byte[] a: value = a[index]; return true;
            case sbyte[] a: value = a[index]; return true;
            case ushort[] a: value = a[index]; return true;
            case short[] a: value = a[index]; return true;
            case uint[] a: value = a[index]; return true;
            case int[] a: value = a[index]; return true;
            case long[] a: value = a[index]; return true;
            case ulong[] a when a[index] <= long.MaxValue: value = (long)a[index]; return true;
            default: value = 0; return false;
        }
    }

    public override string ToString() => $"{ElementType}[{Count}]";
}
