using System.Buffers.Binary;

namespace Gemma4.AI.TestModels;

/// <summary>Deterministic random tensor data: normal-ish floats, or quantized blocks generated directly.</summary>
internal static class RandomWeights
{
    /// <summary>~N(0, <paramref name="stdDev"/>) floats; the stream restarts whenever the writer starts the tensor over.</summary>
    public static GgufTensorData Floats(ulong seed, float stdDev)
    {
        DeterministicRandom? rng = null;
        return GgufTensorData.FromFloats((start, destination) =>
        {
            if (start == 0 || rng is null)
            {
                rng = new DeterministicRandom(seed);
            }

            rng.FillNormal(destination, stdDev);
        });
    }

    /// <summary>
    /// Random blocks written straight in the quantized format (no floats, no quantizer), so a multi-GB benchmark model
    /// takes seconds. Each quantized value is the sum of two small uniforms (a symmetric triangular distribution)
    /// and the block scale is set so the values have about the requested deviation.
    /// </summary>
    public static GgufTensorData QuantizedBlocks(GgufTensorType type, ulong seed, float stdDev)
    {
        DeterministicRandom? rng = null;
        return type switch
        {
            GgufTensorType.Q4_0 => GgufTensorData.FromBytes((start, destination) =>
            {
                if (start == 0 || rng is null)
                {
                    rng = new DeterministicRandom(seed);
                }

                // Nibble = a + b + 1 with a, b uniform in 0..7: values -7..7 around 8, deviation sqrt(10.5).
                var d = (Half)(stdDev / MathF.Sqrt(10.5f));
                for (var block = 0; block < destination.Length; block += 18)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(destination[block..], d);
                    var r1 = rng.NextUInt64();
                    var r2 = rng.NextUInt64();
                    var r3 = rng.NextUInt64();
                    var r4 = rng.NextUInt64();
                    for (var j = 0; j < 16; j++)
                    {
                        // 6 bits per nibble: r1/r2 feed bytes 0..7 (48 bits each), r3/r4 bytes 8..15.
                        var (x, y) = j < 8 ? (r1, r2) : (r3, r4);
                        var shift = (j % 8) * 6;
                        var lo = (int)((x >> shift) & 7) + (int)((x >> (shift + 3)) & 7) + 1;
                        var hi = (int)((y >> shift) & 7) + (int)((y >> (shift + 3)) & 7) + 1;
                        destination[block + 2 + j] = (byte)(lo | (hi << 4));
                    }
                }
            }),
            GgufTensorType.Q8_0 => GgufTensorData.FromBytes((start, destination) =>
            {
                if (start == 0 || rng is null)
                {
                    rng = new DeterministicRandom(seed);
                }

                // Value = a + b with a, b uniform in -63..63: deviation sqrt(2 * (127^2 - 1) / 12).
                var d = (Half)(stdDev / MathF.Sqrt(2 * ((127f * 127f) - 1) / 12f));
                for (var block = 0; block < destination.Length; block += 34)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(destination[block..], d);
                    for (var j = 0; j < 32; j += 4)
                    {
                        var r = rng.NextUInt64();
                        for (var k = 0; k < 4; k++, r >>= 16)
                        {
                            var a = (int)(r & 0x7F) % 127 - 63;
                            var b = (int)((r >> 7) & 0x7F) % 127 - 63;
                            destination[block + 2 + j + k] = (byte)(sbyte)(a + b);
                        }
                    }
                }
            }),
            _ => Floats(seed, stdDev),
        };
    }
}
