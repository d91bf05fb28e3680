namespace Gemma4.AI.TestModels;

/// <summary>
/// Where a tensor's data comes from when <see cref="GgufWriter"/> streams it out: floats (encoded to the tensor type by
/// the writer) or bytes already in the tensor's format; either held in memory or produced chunk by chunk, so a
/// multi-GB tensor never sits in memory.
/// </summary>
public sealed class GgufTensorData
{
    private GgufTensorData(Action<long, Span<float>>? floats, Action<long, Span<byte>>? bytes)
    {
        FloatSource = floats;
        ByteSource = bytes;
    }

    /// <summary>Fills float chunks: (index of the first element, destination).</summary>
    internal Action<long, Span<float>>? FloatSource { get; }

    /// <summary>Fills encoded chunks: (offset of the first byte, destination); chunks hold whole blocks.</summary>
    internal Action<long, Span<byte>>? ByteSource { get; }

    /// <summary>Data from floats in memory; the writer encodes them to the tensor's type.</summary>
    /// <param name="values">The values, in ggml order (fastest dimension first).</param>
    public static GgufTensorData FromFloats(ReadOnlyMemory<float> values) =>
        new((start, dest) => values.Span.Slice((int)start, dest.Length).CopyTo(dest), null);

    /// <summary>Data from a float generator, called with consecutive chunks in order.</summary>
    /// <param name="fill">Fills (first element index, destination chunk).</param>
    public static GgufTensorData FromFloats(Action<long, Span<float>> fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        return new(fill, null);
    }

    /// <summary>Every element equal to <paramref name="value"/>.</summary>
    /// <param name="value">The value.</param>
    public static GgufTensorData Constant(float value) => new((_, dest) => dest.Fill(value), null);

    /// <summary>Bytes already encoded in the tensor's type.</summary>
    /// <param name="encoded">The encoded bytes; their length must match the tensor.</param>
    public static GgufTensorData FromBytes(ReadOnlyMemory<byte> encoded) =>
        new(null, (start, dest) => encoded.Span.Slice((int)start, dest.Length).CopyTo(dest));

    /// <summary>Encoded bytes from a generator, called with consecutive chunks of whole blocks in order.</summary>
    /// <param name="fill">Fills (first byte offset within the tensor, destination chunk).</param>
    public static GgufTensorData FromBytes(Action<long, Span<byte>> fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        return new(null, fill);
    }
}
