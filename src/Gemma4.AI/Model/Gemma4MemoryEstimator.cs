using Gemma4.AI.Gguf;
using Gemma4.AI.Multimodal;

namespace Gemma4.AI;

/// <summary>Predicts, from a GGUF header alone, how much memory a model needs with given options.</summary>
/// <remarks>
/// The KV cache follows llama.cpp's layout for Gemma 4: the global layers keep <see cref="Gemma4ModelOptions.ContextSize"/>
/// cells; the sliding-window layers keep as many with <see cref="Gemma4ModelOptions.SwaFull"/>, else one window per
/// parallel sequence plus a micro-batch (rounded up to 256 cells); layers that share another layer's cache (the last
/// layers of E2B/E4B) keep none. Each cell holds K and V for the layer's KV heads at the layer's head size, in the
/// cache's type (F16 2 bytes, F32 4, Q8_0 34/32, Q4_0 18/32 per value).
/// </remarks>
public static class Gemma4MemoryEstimator
{
    private const int CellPadding = 256;

    /// <summary>
    /// Estimates the memory of <paramref name="modelPath"/> loaded with <paramref name="options"/>, its projector
    /// (<see cref="Gemma4ModelOptions.ProjectorPath"/>) included.
    /// </summary>
    /// <exception cref="Gemma4ModelLoadException">The file (or the projector) is not a usable Gemma 4 GGUF.</exception>
    public static Gemma4MemoryEstimate Estimate(string modelPath, Gemma4ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        ArgumentNullException.ThrowIfNull(options);
        var info = Gemma4GgufPreflight.Validate(modelPath);
        var estimate = Estimate(info, options);
        return string.IsNullOrWhiteSpace(options.ProjectorPath)
            ? estimate
            : estimate with { ProjectorBytes = ProjectorBytes(ProjectorPreflight.Validate(options.ProjectorPath, info.EmbeddingLength, options.EffectiveImageMaxTokens), options) };
    }

    /// <summary>The projector's weights plus a rough encode buffer: activations and (non-flash) attention scores of the largest input.</summary>
    internal static long ProjectorBytes(ProjectorInfo projector, Gemma4ModelOptions options)
    {
        long compute = 0;
        if (projector.Vision is { } vision)
        {
            long patches = (long)options.EffectiveImageMaxTokens * vision.MergeFactor * vision.MergeFactor;
            compute = Math.Max(compute, (patches * vision.Width * 4 * 16) + (patches * patches * vision.Heads * 4));
        }

        if (projector.Audio is { } audio)
        {
            // A 30-second chunk: 3000 frames after subsampling, attended in blocks of 24.
            compute = Math.Max(compute, 3000L * audio.Width * 4 * 16);
        }

        return projector.TensorBytes + compute;
    }

    internal static Gemma4MemoryEstimate Estimate(Gemma4ModelInfo info, Gemma4ModelOptions options)
    {
        var context = Pad(options.ContextSize);

        // llama.cpp caps n_batch at n_ctx and n_ubatch at n_batch: a larger MicroBatchSize costs nothing more.
        long microBatch = Math.Min(options.MicroBatchSize, Math.Min(options.BatchSize, options.ContextSize));
        var slidingCells = options.SwaFull
            ? context
            : Math.Min(context, Pad(((long)info.SlidingWindow * options.MaxParallelSequences) + microBatch));
        var keyBytes = BytesPerValue(options.KeyCacheType);
        var valueBytes = BytesPerValue(options.ValueCacheType);
        var firstShared = info.BlockCount - info.SharedKvLayers;

        double global = 0, sliding = 0;
        for (var layer = 0; layer < firstShared; layer++)
        {
            var isSliding = layer < info.SlidingWindowPattern.Count && info.SlidingWindowPattern[layer];
            var headSize = isSliding ? info.KeyLengthSwa : info.KeyLength;
            var perCell = info.HeadCountKv[layer] * headSize * (keyBytes + valueBytes);
            if (isSliding)
            {
                sliding += perCell * slidingCells;
            }
            else
            {
                global += perCell * context;
            }
        }

        // Activations of one micro-batch (a few hidden-size vectors per token, plus the feed-forward and attention
        // scores) and the logits of the outputs the context reserves: a rough, backend-independent figure.
        var compute = (microBatch * info.EmbeddingLength * 4 * 16)
            + ((long)options.MaxParallelSequences * info.VocabSize * 4);
        return new Gemma4MemoryEstimate(info.TensorBytes, (long)global, (long)sliding, compute);
    }

    private static long Pad(long cells) => (cells + CellPadding - 1) / CellPadding * CellPadding;

    private static double BytesPerValue(Gemma4KvCacheType type) => type switch
    {
        Gemma4KvCacheType.F32 => 4,
        Gemma4KvCacheType.Q8_0 => 34.0 / 32,
        Gemma4KvCacheType.Q4_0 => 18.0 / 32,
        _ => 2,
    };
}
