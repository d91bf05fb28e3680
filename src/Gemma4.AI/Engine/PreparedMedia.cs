using Gemma4.AI.Multimodal;
using Gemma4.AI.Native;

namespace Gemma4.AI.Engine;

/// <summary>
/// One image or audio clip, decoded and tokenized by mtmd: the tokens that replace its template placeholder
/// (begin-of-media control token, one position per embedding, end-of-media token) and the native chunks to encode.
/// </summary>
/// <remarks>
/// Media positions carry <see cref="Placeholder"/>, a negative id derived from the hash of the decoded content, so
/// prefix matching over token ids treats the same image as the same tokens and any other image as different ones.
/// </remarks>
internal sealed class PreparedMedia : IDisposable
{
    public PreparedMedia(SafeMtmdChunksHandle chunks, MediaKind kind, byte[] hash, int[] tokens, IReadOnlyList<MediaChunk> mediaChunks)
    {
        Handle = chunks;
        Kind = kind;
        Hash = hash;
        Tokens = tokens;
        Chunks = mediaChunks;
        Placeholder = PlaceholderFor(hash);
    }

    public SafeMtmdChunksHandle Handle { get; }

    public MediaKind Kind { get; }

    /// <summary>SHA-256 of the decoded content (pixels or samples) and its dimensions.</summary>
    public byte[] Hash { get; }

    /// <summary>The token expansion of the placeholder: text tokens around the media and <see cref="Placeholder"/> per media position.</summary>
    public int[] Tokens { get; }

    /// <summary>The media chunks within <see cref="Tokens"/> (audio longer than 30 s is several chunks).</summary>
    public IReadOnlyList<MediaChunk> Chunks { get; }

    public int Placeholder { get; }

    /// <summary>Positions the media itself takes (without the begin and end tokens).</summary>
    public int MediaTokenCount => Chunks.Sum(c => c.Length);

    /// <summary>A negative id (never -1, never a vocabulary id) from the first bytes of the hash.</summary>
    public static int PlaceholderFor(ReadOnlySpan<byte> hash) =>
        int.MinValue | (BitConverter.ToInt32(hash[..4]) & 0x3FFFFFFF);

    public void Dispose() => Handle.Dispose();
}

/// <summary>A media chunk of a <see cref="PreparedMedia"/>: where it sits in the token expansion and its native chunk.</summary>
/// <param name="Offset">Index of its first position in <see cref="PreparedMedia.Tokens"/>.</param>
/// <param name="Length">Positions (embeddings) it takes.</param>
/// <param name="Chunk">The native mtmd_input_chunk, owned by the media's chunks handle.</param>
/// <param name="NonCausal">Whether it is decoded with causal attention off (gemma4v images).</param>
internal readonly record struct MediaChunk(int Offset, int Length, IntPtr Chunk, bool NonCausal);
