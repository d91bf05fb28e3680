using Gemma4.AI.Multimodal;

namespace Gemma4.AI.Engine;

/// <summary>A media chunk in a request's prompt: the positions it takes and what to encode there.</summary>
/// <param name="Start">Prompt position of its first embedding.</param>
/// <param name="Length">Positions it takes; a prefix is never cut inside them.</param>
/// <param name="Media">The prepared media it belongs to (owns the native chunk).</param>
/// <param name="Index">Which media chunk of <paramref name="Media"/> it is.</param>
internal sealed record MediaSpan(int Start, int Length, PreparedMedia Media, int Index)
{
    public int End => Start + Length;

    public IntPtr Chunk => Media.Chunks[Index].Chunk;

    public bool NonCausal => Media.Chunks[Index].NonCausal;

    public MediaKind Kind => Media.Kind;

    /// <summary>What the cached cells of this span hold: equal keys mean equal embeddings.</summary>
    public MediaKey Key => new(Media.Hash, Index, Length);
}

/// <summary>The identity of a decoded media chunk: the hash of the decoded content, the chunk's index and length.</summary>
internal sealed record MediaKey(byte[] Hash, int Index, int Length)
{
    public bool Equals(MediaKey? other) =>
        other is not null && Index == other.Index && Length == other.Length && Hash.AsSpan().SequenceEqual(other.Hash);

    public override int GetHashCode() => HashCode.Combine(BitConverter.ToInt32(Hash, 0), Index, Length);
}
