namespace Gemma4.AI;

#pragma warning disable CA1707 // Q8_0 and Q4_0 are llama.cpp's names for these types.

/// <summary>Storage type of the KV cache's keys or values.</summary>
public enum Gemma4KvCacheType
{
    /// <summary>16-bit floats (llama.cpp's default; fastest on CPU).</summary>
    F16 = 0,

    /// <summary>8-bit blocks: about half the memory of F16. A quantized V cache needs flash attention.</summary>
    Q8_0 = 1,

    /// <summary>4-bit blocks: about a quarter of the memory of F16. A quantized V cache needs flash attention.</summary>
    Q4_0 = 2,

    /// <summary>32-bit floats.</summary>
    F32 = 3,
}
#pragma warning restore CA1707
