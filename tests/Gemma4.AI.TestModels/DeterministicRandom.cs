using System.Buffers.Binary;

namespace Gemma4.AI.TestModels;

/// <summary>xoshiro256** seeded through SplitMix64: fast, and the same seed gives the same stream on every machine.</summary>
internal sealed class DeterministicRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public DeterministicRandom(ulong seed)
    {
        _s0 = SplitMix64(ref seed);
        _s1 = SplitMix64(ref seed);
        _s2 = SplitMix64(ref seed);
        _s3 = SplitMix64(ref seed);
    }

    /// <summary>A seed derived from a base seed and a name (FNV-1a over the UTF-16 code units, then mixed).</summary>
    public static ulong Derive(ulong seed, string name)
    {
        var h = 14695981039346656037UL;
        foreach (var c in name)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        var state = seed ^ h;
        return SplitMix64(ref state);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Approximately normal values (Irwin-Hall sum of four 16-bit uniforms) with mean 0 and the given deviation.</summary>
    public void FillNormal(Span<float> destination, float standardDeviation)
    {
        // Four uniforms in [0, 1) sum to mean 2, variance 1/3; scale by sqrt(3) for unit variance.
        var scale = standardDeviation * MathF.Sqrt(3f) / 65536f;
        for (var i = 0; i < destination.Length; i++)
        {
            var r = NextUInt64();
            var sum = (long)(r & 0xFFFF) + (long)((r >> 16) & 0xFFFF) + (long)((r >> 32) & 0xFFFF) + (long)(r >> 48);
            destination[i] = (sum - (2 * 65536)) * scale;
        }
    }

    public void FillBytes(Span<byte> destination)
    {
        var i = 0;
        for (; i + 8 <= destination.Length; i += 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[i..], NextUInt64());
        }

        if (i < destination.Length)
        {
            var r = NextUInt64();
            for (; i < destination.Length; i++, r >>= 8)
            {
                destination[i] = (byte)r;
            }
        }
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
