using System.Buffers.Binary;

namespace Gemma4.AI.TestModels;

/// <summary>Encodes and decodes the tensor formats <see cref="GgufWriter"/> supports, as ggml's reference code does.</summary>
public static class GgmlQuantization
{
    /// <summary>Elements per block of <paramref name="type"/> (1 for F32/F16).</summary>
    /// <param name="type">The tensor type.</param>
    public static int BlockElements(GgufTensorType type) => type switch
    {
        GgufTensorType.F32 or GgufTensorType.F16 => 1,
        GgufTensorType.Q4_0 or GgufTensorType.Q8_0 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unsupported tensor type."),
    };

    /// <summary>Bytes per block of <paramref name="type"/>.</summary>
    /// <param name="type">The tensor type.</param>
    public static int BlockBytes(GgufTensorType type) => type switch
    {
        GgufTensorType.F32 => 4,
        GgufTensorType.F16 => 2,
        GgufTensorType.Q4_0 => 18,
        GgufTensorType.Q8_0 => 34,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unsupported tensor type."),
    };

    /// <summary>Bytes taken by <paramref name="elements"/> elements (a whole number of blocks).</summary>
    /// <param name="type">The tensor type.</param>
    /// <param name="elements">The element count; must be a multiple of the block size.</param>
    public static long ByteSize(GgufTensorType type, long elements)
    {
        var block = BlockElements(type);
        if (elements % block != 0)
        {
            throw new ArgumentException($"{type} needs a multiple of {block} elements, got {elements}.", nameof(elements));
        }

        return elements / block * BlockBytes(type);
    }

    /// <summary>Encodes <paramref name="source"/> (a whole number of blocks) into <paramref name="destination"/>.</summary>
    /// <param name="type">The target type.</param>
    /// <param name="source">The values.</param>
    /// <param name="destination">Exactly <see cref="ByteSize"/> bytes.</param>
    public static void Encode(GgufTensorType type, ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (destination.Length != ByteSize(type, source.Length))
        {
            throw new ArgumentException("Destination has the wrong size.", nameof(destination));
        }

        switch (type)
        {
            case GgufTensorType.F32:
                for (var i = 0; i < source.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(destination[(i * 4)..], source[i]);
                }

                break;
            case GgufTensorType.F16:
                for (var i = 0; i < source.Length; i++)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(destination[(i * 2)..], (Half)source[i]);
                }

                break;
            case GgufTensorType.Q8_0:
                for (var b = 0; b < source.Length / 32; b++)
                {
                    QuantizeQ8_0Block(source.Slice(b * 32, 32), destination.Slice(b * 34, 34));
                }

                break;
            case GgufTensorType.Q4_0:
                for (var b = 0; b < source.Length / 32; b++)
                {
                    QuantizeQ4_0Block(source.Slice(b * 32, 32), destination.Slice(b * 18, 18));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unsupported tensor type.");
        }
    }

    /// <summary>Decodes <paramref name="source"/> (a whole number of blocks) into floats.</summary>
    /// <param name="type">The source type.</param>
    /// <param name="source">The encoded bytes.</param>
    /// <param name="destination">The decoded values.</param>
    public static void Decode(GgufTensorType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (source.Length != ByteSize(type, destination.Length))
        {
            throw new ArgumentException("Source has the wrong size.", nameof(source));
        }

        switch (type)
        {
            case GgufTensorType.F32:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * 4)..]);
                }

                break;
            case GgufTensorType.F16:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source[(i * 2)..]);
                }

                break;
            case GgufTensorType.Q8_0:
                for (var b = 0; b < destination.Length / 32; b++)
                {
                    var block = source.Slice(b * 34, 34);
                    var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
                    for (var j = 0; j < 32; j++)
                    {
                        destination[(b * 32) + j] = (sbyte)block[2 + j] * d;
                    }
                }

                break;
            case GgufTensorType.Q4_0:
                for (var b = 0; b < destination.Length / 32; b++)
                {
                    var block = source.Slice(b * 18, 18);
                    var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
                    for (var j = 0; j < 16; j++)
                    {
                        destination[(b * 32) + j] = ((block[2 + j] & 0x0F) - 8) * d;
                        destination[(b * 32) + j + 16] = ((block[2 + j] >> 4) - 8) * d;
                    }
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unsupported tensor type.");
        }
    }

    // ggml's quantize_row_q8_0_ref: scale by the largest magnitude, round to nearest.
    private static void QuantizeQ8_0Block(ReadOnlySpan<float> x, Span<byte> y)
    {
        var amax = 0f;
        foreach (var v in x)
        {
            amax = MathF.Max(amax, MathF.Abs(v));
        }

        var d = amax / 127f;
        var id = d != 0 ? 1f / d : 0f;
        BinaryPrimitives.WriteHalfLittleEndian(y, (Half)d);
        for (var j = 0; j < 32; j++)
        {
            y[2 + j] = (byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
        }
    }

    // ggml's quantize_row_q4_0_ref: the value of largest magnitude maps to -8; nibbles j and j+16 share byte j.
    private static void QuantizeQ4_0Block(ReadOnlySpan<float> x, Span<byte> y)
    {
        var amax = 0f;
        var max = 0f;
        foreach (var v in x)
        {
            if (amax < MathF.Abs(v))
            {
                amax = MathF.Abs(v);
                max = v;
            }
        }

        var d = max / -8f;
        var id = d != 0 ? 1f / d : 0f;
        BinaryPrimitives.WriteHalfLittleEndian(y, (Half)d);
        for (var j = 0; j < 16; j++)
        {
            var q0 = Math.Min(15, (int)(sbyte)(x[j] * id + 8.5f));
            var q1 = Math.Min(15, (int)(sbyte)(x[16 + j] * id + 8.5f));
            y[2 + j] = (byte)(q0 | (q1 << 4));
        }
    }
}
