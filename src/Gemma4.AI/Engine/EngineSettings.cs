namespace Gemma4.AI.Engine;

/// <summary>What the scheduler needs to know about its context.</summary>
/// <param name="ContextSize">KV cells shared by all sequences (unified KV cache).</param>
/// <param name="BatchSize">Most tokens decoded in one llama_decode call.</param>
/// <param name="MicroBatchSize">llama.cpp's physical batch; prompt chunks shrink to this while others stream.</param>
/// <param name="MaxSequences">Parallel sequences (slots) in the context.</param>
/// <param name="SlidingWindow">The model's sliding-window size (0 if none).</param>
/// <param name="SwaFull">Whether the sliding-window cache keeps every position (rollback is then always safe).</param>
/// <param name="MaxQueued">Requests that may wait beyond the running ones.</param>
/// <param name="RejectWhenFull">Throw instead of waiting when the queue is full.</param>
internal sealed record EngineSettings(int ContextSize, int BatchSize, int MicroBatchSize, int MaxSequences, int SlidingWindow, bool SwaFull, int MaxQueued = 256, bool RejectWhenFull = false);
