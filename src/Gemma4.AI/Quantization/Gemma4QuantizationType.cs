namespace Gemma4.AI;

#pragma warning disable CA1707 // Q4_K_M and friends are llama.cpp's names for these types; users search for them.

/// <summary>
/// Target types of <see cref="Gemma4Quantizer"/>: the llama.cpp file types (enum llama_ftype, same numbers) that the bundled
/// llama.cpp (b10221) produces from F16/BF16/F32 weights without an importance matrix. Bits per weight are for the
/// matrices; the mixes (<c>_S</c>/<c>_M</c>/<c>_L</c>) keep sensitive tensors (attention V, FFN down, the tied output
/// embedding) at more bits, so whole files come out slightly larger.
/// </summary>
/// <remarks>
/// Left out on purpose: IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ2_M, IQ3_XXS, IQ3_XS and Q2_K_S (llama.cpp refuses them
/// without an importance matrix, which this API does not take), TQ1_0, TQ2_0, Q1_0 and Q2_0 (ternary/1-2-bit formats
/// for models trained that way; a normal Gemma 4 turns to noise), MXFP4_MOE (only mixture-of-experts tensors change;
/// on dense Gemma 4 it is Q8_0) and NVFP4 (a GPU-oriented 4-bit float format).
/// </remarks>
public enum Gemma4QuantizationType
{
    /// <summary>32-bit floats (no quantization; twice the size of F16).</summary>
    F32 = 0,

    /// <summary>16-bit floats (what Google's weights are converted to; the reference quality).</summary>
    F16 = 1,

    /// <summary>4.5 bits per weight, one scale per 32 weights. Fast everywhere; noticeably lossier than Q4_K_M.</summary>
    Q4_0 = 2,

    /// <summary>5.0 bits per weight, scale and minimum per 32 weights.</summary>
    Q4_1 = 3,

    /// <summary>8.5 bits per weight. Practically lossless; half of F16.</summary>
    Q8_0 = 7,

    /// <summary>5.5 bits per weight.</summary>
    Q5_0 = 8,

    /// <summary>6.0 bits per weight.</summary>
    Q5_1 = 9,

    /// <summary>About 2.6 bits per weight (Q2_K with Q3_K/Q4_K for sensitive tensors). Large quality loss.</summary>
    Q2_K = 10,

    /// <summary>About 3.4 bits per weight (Q3_K throughout).</summary>
    Q3_K_S = 11,

    /// <summary>About 3.9 bits per weight (Q3_K with Q4_K/Q5_K for sensitive tensors).</summary>
    Q3_K_M = 12,

    /// <summary>About 4.3 bits per weight (Q3_K with Q5_K for sensitive tensors).</summary>
    Q3_K_L = 13,

    /// <summary>About 4.6 bits per weight (Q4_K with some Q5_K).</summary>
    Q4_K_S = 14,

    /// <summary>About 4.9 bits per weight (Q4_K with Q6_K for half of attention V and FFN down). The usual 4-bit choice.</summary>
    Q4_K_M = 15,

    /// <summary>About 5.5 bits per weight (Q5_K throughout).</summary>
    Q5_K_S = 16,

    /// <summary>About 5.7 bits per weight (Q5_K with Q6_K for sensitive tensors). Close to Q8_0 in quality.</summary>
    Q5_K_M = 17,

    /// <summary>6.56 bits per weight (Q6_K throughout).</summary>
    Q6_K = 18,

    /// <summary>4.5 bits per weight, non-linear 4-bit values in blocks of 32.</summary>
    IQ4_NL = 25,

    /// <summary>About 3.4 bits per weight (IQ3_S throughout).</summary>
    IQ3_S = 26,

    /// <summary>About 3.7 bits per weight (IQ3_S with Q4_K for sensitive tensors).</summary>
    IQ3_M = 27,

    /// <summary>4.25 bits per weight, non-linear 4-bit values in blocks of 256.</summary>
    IQ4_XS = 30,

    /// <summary>bfloat16 (the range of F32 at half its size).</summary>
    BF16 = 32,
}
#pragma warning restore CA1707
