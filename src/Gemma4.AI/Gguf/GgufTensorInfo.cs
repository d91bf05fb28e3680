namespace Gemma4.AI.Gguf;

/// <summary>One tensor's header entry: name, shape in ggml order (fastest dimension first), type and data offset.</summary>
/// <param name="Name">The tensor name, e.g. <c>blk.0.attn_q.weight</c>.</param>
/// <param name="Dimensions">The shape in ggml <c>ne</c> order.</param>
/// <param name="Type">The element type.</param>
/// <param name="Offset">Offset of the data, relative to <see cref="GgufFile.DataOffset"/>.</param>
internal sealed record GgufTensorInfo(string Name, IReadOnlyList<long> Dimensions, GgmlType Type, long Offset)
{
    /// <summary>The number of elements (product of the dimensions).</summary>
    public long ElementCount { get; } = Product(Dimensions);

    /// <summary>The size of the data in bytes, or null when the type is unknown or rows do not fill whole blocks.</summary>
    public long? ByteSize
    {
        get
        {
            if (!GgmlTypeInfo.TryGetLayout(Type, out var blockElements, out var blockBytes)
                || Dimensions.Count == 0 || Dimensions[0] % blockElements != 0)
            {
                return null;
            }

            return ElementCount / blockElements * blockBytes;
        }
    }

    private static long Product(IReadOnlyList<long> dims)
    {
        long n = 1;
        foreach (var d in dims)
        {
            n = checked(n * d);
        }

        return n;
    }
}
