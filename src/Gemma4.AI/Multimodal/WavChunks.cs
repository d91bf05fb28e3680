using System.Buffers.Binary;

namespace Gemma4.AI.Multimodal;

/// <summary>
/// Walks a WAV file's RIFF chunks (after <c>RIFF</c> size <c>WAVE</c>), each padded to an even length, without trusting a
/// declared size beyond the bytes present.
/// </summary>
internal ref struct WavChunks
{
    private readonly ReadOnlySpan<byte> _data;
    private long _next;

    public WavChunks(ReadOnlySpan<byte> data)
    {
        _data = data;
        _next = 12;
    }

    /// <summary>The current chunk's four-character id.</summary>
    public ReadOnlySpan<byte> Id { get; private set; }

    /// <summary>The size the current chunk's header declares.</summary>
    public uint DeclaredSize { get; private set; }

    /// <summary>Where the current chunk's body starts.</summary>
    public int Body { get; private set; }

    /// <summary>How much of the declared body the data holds.</summary>
    public int Present { get; private set; }

    /// <summary>Moves to the next chunk; false at the end of the data.</summary>
    public bool MoveNext()
    {
        if (_next + 8 > _data.Length)
        {
            return false;
        }

        var start = (int)_next;
        Id = _data.Slice(start, 4);
        DeclaredSize = BinaryPrimitives.ReadUInt32LittleEndian(_data[(start + 4)..]);
        Body = start + 8;
        Present = (int)Math.Min(DeclaredSize, (uint)(_data.Length - Body));
        _next = Body + (long)DeclaredSize + (DeclaredSize & 1);
        return true;
    }
}
