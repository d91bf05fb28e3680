using Gemma4.AI.Lora;
using Gemma4.AI.Native;
using Microsoft.Extensions.Logging;

namespace Gemma4.AI.Engine;

/// <summary>
/// The context's sequences and their KV cells: which prefix a new request can reuse (kept from an idle sequence, or
/// copied from a busy one), truncation that respects the sliding-window cache, cell accounting and LRU eviction.
/// Used only by the decode thread.
/// </summary>
internal sealed partial class SequencePool
{
    // Copying cells from a busy sequence pays off only for a real shared prefix (a system prompt, tool declarations).
    private const int MinimumFork = 32;

    private readonly IntPtr _memory;
    private readonly EngineSettings _settings;
    private readonly ILogger _logger;
    private long _clock;

    public SequencePool(IntPtr memory, EngineSettings settings, ILogger logger)
    {
        _memory = memory;
        _settings = settings;
        _logger = logger;
        Slots = Enumerable.Range(0, settings.MaxSequences).Select(i => new SequenceSlot(i)).ToArray();
    }

    public IReadOnlyList<SequenceSlot> Slots { get; }

    /// <summary>KV cells held by all sequences, shared prefixes counted once.</summary>
    public int UsedCells => Slots.Sum(s => s.OwnCells);

    /// <summary>
    /// Chooses a sequence for a prompt: the idle one sharing the longest prefix, unless a busy one shares a much longer
    /// prefix that can be copied; else an empty or least recently used one. Null when every sequence is busy.
    /// </summary>
    public SlotPlan? Plan(int[] prompt, AdapterSet adapters, MediaInput media)
    {
        SequenceSlot? best = null;
        var reuse = 0;
        foreach (var slot in Slots)
        {
            if (!slot.IsIdle)
            {
                continue;
            }

            // At least one prompt token must be decoded to get logits for the first sample.
            var common = Math.Min(slot.CommonPrefixLength(prompt, adapters, media), prompt.Length - 1);
            if (best is null || common > reuse
                || (common == reuse && (slot.Tokens.Count < best.Tokens.Count || (slot.Tokens.Count == best.Tokens.Count && slot.LastUsed < best.LastUsed))))
            {
                best = slot;
                reuse = common;
            }
        }

        if (best is null)
        {
            return null;
        }

        // With a trimmed sliding-window cache, llama.cpp cannot place new tokens next to cells two sequences share
        // once that cache is full (decode reports no memory slot), so copying needs SwaFull.
        SequenceSlot? source = null;
        var shared = reuse;
        foreach (var slot in _settings.SwaFull || _settings.SlidingWindow <= 0 ? Slots : [])
        {
            if (!slot.IsIdle && Math.Min(slot.CommonPrefixLength(prompt, adapters, media), prompt.Length - 1) is var common
                && common >= reuse + MinimumFork && common > shared && CanResumeAt(slot, common))
            {
                source = slot;
                shared = common;
            }
        }

        if (source is null)
        {
            return new SlotPlan(best, reuse, null);
        }

        // The copy overwrites the target: take an empty or least recently used idle sequence.
        var target = Slots.Where(s => s.IsIdle).OrderBy(s => s.Tokens.Count > 0).ThenBy(s => s.LastUsed).First();
        return new SlotPlan(target, shared, source);
    }

    /// <summary>Prepares the planned sequence for its request; returns the prompt tokens actually reused.</summary>
    public int Acquire(SlotPlan plan, ActiveGeneration owner)
    {
        var slot = plan.Slot;
        var reuse = plan.Reuse;
        if (plan.ForkFrom is { } source)
        {
            Clear(slot);
            LlamaNative.MemorySeqCopy(_memory, source.Id, slot.Id, 0, reuse);
            slot.Tokens.AddRange(source.Tokens.GetRange(0, reuse));
            slot.Media.AddRange(source.Media.Where(m => m.Start + m.Key.Length <= reuse));
            slot.SharedWith = source;
            slot.SharedPrefix = reuse;
            Log.Forked(_logger, slot.Id, source.Id, reuse);
        }
        else if (reuse < slot.Tokens.Count && !TryTruncate(slot, reuse))
        {
            reuse = 0;
        }

        if (reuse == 0 && slot.Tokens.Count > 0)
        {
            Clear(slot);
        }

        slot.Owner = owner;
        slot.Adapters = owner.Request.Adapters;
        slot.LastUsed = ++_clock;
        return reuse;
    }

    /// <summary>Records the tokens of a state just loaded into a (cleared) sequence: base-model KV, no adapters.</summary>
    public void Restored(SequenceSlot slot, int[] tokens)
    {
        slot.Tokens.AddRange(tokens);
        slot.Adapters = AdapterSet.None;
        slot.LastUsed = ++_clock;
    }

    /// <summary>Marks a sequence idle; its cells stay cached.</summary>
    public void Release(SequenceSlot slot)
    {
        slot.Owner = null;
        slot.LastUsed = ++_clock;
    }

    /// <summary>
    /// Drops a sequence's cells from position <paramref name="keep"/> on (also cells an aborted decode left beyond its
    /// tokens); false, changing nothing, if the sliding-window cache can no longer serve that prefix.
    /// </summary>
    public bool TryTruncate(SequenceSlot slot, int keep)
    {
        if (!CanResumeAt(slot, keep) || !LlamaNative.MemorySeqRemove(_memory, slot.Id, keep, -1))
        {
            return false;
        }

        if (keep < slot.Tokens.Count)
        {
            slot.Tokens.RemoveRange(keep, slot.Tokens.Count - keep);
            slot.TrimMedia(keep);
            Shrunk(slot, keep);
        }

        return true;
    }

    /// <summary>Removes all of a sequence's cells, and with them the adapter set they were computed with.</summary>
    public void Clear(SequenceSlot slot)
    {
        LlamaNative.MemorySeqRemove(_memory, slot.Id, -1, -1);
        slot.Tokens.Clear();
        slot.Media.Clear();

        // The cells it gets next are its owner's (a request decoding its history again after a rollback), else a new
        // owner's (Acquire sets them) or a restored state's (base model); never the previous owner's.
        slot.Adapters = slot.Owner?.Request.Adapters ?? AdapterSet.None;
        Shrunk(slot, 0);
    }

    /// <summary>Evicts the least recently used idle cached prefix (never <paramref name="except"/>); false if there is none.</summary>
    public bool EvictIdle(SequenceSlot? except = null)
    {
        var idle = Slots.Where(s => s.IsIdle && s != except && s.Tokens.Count > 0).MinBy(s => s.LastUsed);
        if (idle is null)
        {
            return false;
        }

        Log.Evicted(_logger, idle.Id, idle.Tokens.Count);
        Clear(idle);
        return true;
    }

    /// <summary>
    /// Whether decoding can continue at <paramref name="position"/> from this sequence's cells: with a sliding-window
    /// cache that dropped old positions, the window before <paramref name="position"/> must still be there.
    /// </summary>
    private bool CanResumeAt(SequenceSlot slot, int position)
    {
        if (position == 0 || _settings.SwaFull || _settings.SlidingWindow <= 0)
        {
            return true;
        }

        // A token at position p attends to positions p - n_swa + 1 .. p (llama.cpp masks distances >= n_swa).
        return LlamaNative.MemorySeqPosMin(_memory, slot.Id) <= Math.Max(0, position - _settings.SlidingWindow + 1);
    }

    // Keeps the shared-prefix bookkeeping right when a sequence loses cells.
    private void Shrunk(SequenceSlot slot, int length)
    {
        slot.SharedPrefix = Math.Min(slot.SharedPrefix, length);
        if (slot.SharedPrefix == 0)
        {
            slot.SharedWith = null;
        }

        foreach (var other in Slots)
        {
            if (other.SharedWith == slot)
            {
                // Cells the source no longer holds now belong to the copy alone.
                other.SharedPrefix = Math.Min(other.SharedPrefix, length);
                if (other.SharedPrefix == 0)
                {
                    other.SharedWith = null;
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Information, "Context full: evicted the cached prefix of sequence {Slot} ({Tokens} tokens).")]
        public static partial void Evicted(ILogger logger, int slot, int tokens);

        [LoggerMessage(11, LogLevel.Debug, "Sequence {Slot}: copied {Tokens} prompt tokens' cells from busy sequence {Source}.")]
        public static partial void Forked(ILogger logger, int slot, int source, int tokens);
    }
}
