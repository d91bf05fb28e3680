namespace Gemma4.AI.TestModels;

/// <summary>Packs values bit by bit: most significant bit first (FLAC, JPEG) or least significant first (GIF's LZW codes).</summary>
internal sealed class BitPacker(bool msbFirst = false)
{
    private readonly List<byte> _bytes = [];
    private int _accumulator;
    private int _count;

    /// <summary>Called with each completed byte (JPEG uses it to stuff a zero after 0xFF).</summary>
    public Action<List<byte>, byte>? OnByte { get; init; }

    /// <summary>Writes the low <paramref name="bits"/> bits of <paramref name="value"/>.</summary>
    public void Write(long value, int bits)
    {
        for (var i = 0; i < bits; i++)
        {
            var bit = (int)((msbFirst ? value >> (bits - 1 - i) : value >> i) & 1);
            if (msbFirst)
            {
                _accumulator = (_accumulator << 1) | bit;
            }
            else
            {
                _accumulator |= bit << _count;
            }

            if (++_count == 8)
            {
                Emit((byte)_accumulator);
                _accumulator = 0;
                _count = 0;
            }
        }
    }

    /// <summary>Completes a partial byte, padding with <paramref name="padBit"/>.</summary>
    public void AlignToByte(int padBit = 0)
    {
        while (_count != 0)
        {
            Write(padBit, 1);
        }
    }

    /// <summary>The bytes so far, a partial last byte included (zero-padded).</summary>
    public byte[] ToArray()
    {
        if (_count == 0)
        {
            return [.. _bytes];
        }

        var last = msbFirst ? (byte)(_accumulator << (8 - _count)) : (byte)_accumulator;
        return [.. _bytes, last];
    }

    private void Emit(byte b)
    {
        if (OnByte is { } onByte)
        {
            onByte(_bytes, b);
        }
        else
        {
            _bytes.Add(b);
        }
    }
}
