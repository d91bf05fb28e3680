using LLama.Native;

namespace Gemma4.AI.Engine;

/// <summary>How the embedding context is sized and what it produces.</summary>
/// <param name="BatchSize">Most tokens in one llama_decode; also n_ubatch, so every input lies inside one micro-batch.</param>
/// <param name="PackTokens">
/// Tokens of short inputs packed into one decode. Smaller than <paramref name="BatchSize"/> because llama.cpp's
/// attention visits every pair of tokens in a batch (masked pairs included), so a huge batch of short inputs wastes
/// work; a longer input still gets a decode of its own length.
/// </param>
/// <param name="MaxSequences">Most inputs (sequences) in one llama_decode.</param>
/// <param name="Threads">CPU threads for the decode.</param>
/// <param name="Pooling">How llama.cpp pools token states into one vector per sequence (never None).</param>
/// <param name="FlashAttention">llama.cpp's flash attention switch: true, false, or null for auto.</param>
internal sealed record EmbeddingEngineSettings(int BatchSize, int PackTokens, int MaxSequences, int Threads, LLamaPoolingType Pooling, bool? FlashAttention);
