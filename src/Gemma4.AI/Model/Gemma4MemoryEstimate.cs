namespace Gemma4.AI;

/// <summary>Predicted memory of a model loaded with given options.</summary>
/// <param name="WeightsBytes">The weights (tensor data of the file; memory-mapped by default).</param>
/// <param name="KvCacheBytes">The KV cache of the global-attention layers.</param>
/// <param name="SlidingKvCacheBytes">The KV cache of the sliding-window layers.</param>
/// <param name="ComputeBytes">A rough estimate of llama.cpp's compute and output buffers (activations of one
/// micro-batch, logits); the real figure depends on the backend and graph.</param>
public sealed record Gemma4MemoryEstimate(long WeightsBytes, long KvCacheBytes, long SlidingKvCacheBytes, long ComputeBytes)
{
    /// <summary>All of the KV cache.</summary>
    public long TotalKvCacheBytes => KvCacheBytes + SlidingKvCacheBytes;

    /// <summary>
    /// The projector (<see cref="Gemma4ModelOptions.ProjectorPath"/>): its weights plus a rough estimate of an encode's
    /// buffers (for the vision encoder, activations and attention scores of the largest image); 0 without a projector.
    /// </summary>
    public long ProjectorBytes { get; init; }

    /// <summary>Everything: weights, KV cache, compute buffers and the projector.</summary>
    public long TotalBytes => WeightsBytes + TotalKvCacheBytes + ComputeBytes + ProjectorBytes;
}
