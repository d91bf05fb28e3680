namespace Gemma4.AI.Engine;

/// <summary>Where a request will decode: a sequence, how many prompt tokens it reuses, and the sequence to copy them from.</summary>
/// <param name="Slot">The sequence the request gets.</param>
/// <param name="Reuse">Prompt tokens whose KV cells are reused (kept in <paramref name="Slot"/> or copied from <paramref name="ForkFrom"/>).</param>
/// <param name="ForkFrom">A busy sequence whose cells for those tokens are copied (shared, no extra memory), or null.</param>
internal readonly record struct SlotPlan(SequenceSlot Slot, int Reuse, SequenceSlot? ForkFrom);
