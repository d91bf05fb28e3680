namespace Gemma4.AI.TestModels;

/// <summary>The ggml tensor types <see cref="GgufWriter"/> can encode (numbered as in ggml.h).</summary>
public enum GgufTensorType
{
    /// <summary>32-bit float.</summary>
    F32 = 0,

    /// <summary>IEEE half precision.</summary>
    F16 = 1,

    /// <summary>Blocks of 32: an F16 scale and 32 4-bit values (18 bytes).</summary>
    Q4_0 = 2,

    /// <summary>Blocks of 32: an F16 scale and 32 signed bytes (34 bytes).</summary>
    Q8_0 = 8,
}
