using System.Runtime.InteropServices;
using Gemma4.AI.Lora;

namespace Gemma4.AI.Engine;

/// <summary>
/// One llama.cpp sequence of the engine's context. Between requests it keeps its tokens' KV cells, so the next
/// request that starts with the same tokens reuses them (the prefix cache).
/// </summary>
internal sealed class SequenceSlot(int id)
{
    public int Id { get; } = id;

    /// <summary>The tokens whose KV cells are in the cache, at positions 0..Count-1.</summary>
    public List<int> Tokens { get; } = [];

    /// <summary>The request decoding on this sequence, or null when idle.</summary>
    public ActiveGeneration? Owner { get; set; }

    /// <summary>Monotonic stamp of the last use, for least-recently-used eviction.</summary>
    public long LastUsed { get; set; }

    /// <summary>The sequence whose cells this one's first <see cref="SharedPrefix"/> tokens share (copied, not duplicated).</summary>
    public SequenceSlot? SharedWith { get; set; }

    /// <summary>Leading tokens whose cells belong to <see cref="SharedWith"/> as well, so they are counted once.</summary>
    public int SharedPrefix { get; set; }

    /// <summary>The adapters the cached cells were computed with: other adapters change every layer's K/V, so they cannot reuse them.</summary>
    public AdapterSet Adapters { get; set; } = AdapterSet.None;

    public bool IsIdle => Owner is null;

    /// <summary>Cells this sequence holds that no other sequence accounts for.</summary>
    public int OwnCells => Tokens.Count - SharedPrefix;

    /// <summary>The media spans among <see cref="Tokens"/> (start position and identity), in position order.</summary>
    public List<(int Start, MediaKey Key)> Media { get; } = [];

    public int CommonPrefixLength(ReadOnlySpan<int> tokens) =>
        ((ReadOnlySpan<int>)CollectionsMarshal.AsSpan(Tokens)).CommonPrefixLength(tokens);

    /// <summary>The cached prefix a request with <paramref name="adapters"/> can reuse: none when its adapters differ.</summary>
    public int CommonPrefixLength(ReadOnlySpan<int> tokens, AdapterSet adapters) =>
        adapters.Equals(Adapters) ? CommonPrefixLength(tokens) : 0;

    /// <summary>
    /// The cached prefix a request can reuse, never ending inside a media span: the token match is cut back to the start of
    /// the first span whose cached media is not the request's (placeholder ids are hash-derived, so this also guards
    /// against two media sharing one) or that either side holds only in part.
    /// </summary>
    public int CommonPrefixLength(ReadOnlySpan<int> tokens, AdapterSet adapters, MediaInput media)
    {
        var common = CommonPrefixLength(tokens, adapters);
        foreach (var (start, key) in Media)
        {
            if (start >= common)
            {
                break;
            }

            if (start + key.Length > common)
            {
                common = start;
                break;
            }
        }

        foreach (var span in media.Spans)
        {
            if (span.Start >= common)
            {
                break;
            }

            if (span.End > common || !Holds(span))
            {
                return span.Start;
            }
        }

        return common;
    }

    /// <summary>Forgets the media spans at or after <paramref name="length"/> (the cells from there on are gone).</summary>
    public void TrimMedia(int length) => Media.RemoveAll(m => m.Start >= length);

    private bool Holds(MediaSpan span)
    {
        foreach (var (start, key) in Media)
        {
            if (start == span.Start)
            {
                return key.Equals(span.Key);
            }
        }

        return false;
    }
}
