using Gemma4.AI.Gguf;

namespace Gemma4.AI.Quantization;

/// <summary>
/// Decides whether a file may be quantized to a type. Requantizing stacks a second rounding error on the first and can
/// only lose: from Q8_0 (near-lossless) to a smaller type the loss is small and the file shrinks, so it is allowed; from a
/// float type to a float type nothing is lost; every other combination with an already-quantized input costs quality
/// without a matching gain (a 4-bit or k-quant input cannot get back what it lost, and requantizing it compounds the
/// error), so it is refused with the reason.
/// </summary>
internal static class QuantizationPolicy
{
    /// <summary>What the weights of a file are stored as, looking only at the tensors llama.cpp would quantize.</summary>
    public enum Source
    {
        /// <summary>F32, F16 or BF16: quantize to anything.</summary>
        Float,

        /// <summary>Q8_0 (and floats): quantize to smaller types only.</summary>
        Q8_0,

        /// <summary>Any other quantized type: refuse.</summary>
        LowBit,
    }

    public static Source Classify(GgufFile file)
    {
        var q8 = false;
        foreach (var t in file.Tensors.Where(IsQuantizable))
        {
            if (t.Type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16)
            {
                continue;
            }

            if (t.Type != GgmlType.Q8_0)
            {
                return Source.LowBit;
            }

            q8 = true;
        }

        return q8 ? Source.Q8_0 : Source.Float;
    }

    /// <summary>Null when allowed; otherwise why not, as a sentence.</summary>
    public static string? Refusal(Source source, string sourceName, Gemma4QuantizationType target)
    {
        var isFloatTarget = target is Gemma4QuantizationType.F32 or Gemma4QuantizationType.F16 or Gemma4QuantizationType.BF16;
        return source switch
        {
            Source.Float => null,
            Source.Q8_0 when target == Gemma4QuantizationType.Q8_0 =>
                "the file is already Q8_0",
            Source.Q8_0 when isFloatTarget =>
                $"the file is Q8_0; converting it to {target} cannot restore the precision Q8_0 dropped, it only makes the file {(target == Gemma4QuantizationType.F32 ? "about 3.8" : "about 1.9")} times larger",
            Source.Q8_0 => null,
            _ when isFloatTarget =>
                $"the file is already quantized ({sourceName}); converting it to {target} cannot restore the precision it lost, it only makes the file larger",
            _ =>
                $"the file is already quantized ({sourceName}); requantizing it to {target} would stack a second rounding error on the first, which loses more quality than quantizing the original F16/BF16 weights to {target} and gains nothing over the file you have. Quantize from the original F16, BF16 or F32 GGUF instead (only Q8_0 files may be requantized, to smaller types)",
        };
    }

    /// <summary>The tensors llama.cpp's quantizer considers: 2-D and up, named *weight, not a norm.</summary>
    public static bool IsQuantizable(GgufTensorInfo t) =>
        t.Dimensions.Count >= 2
        && t.Name.EndsWith("weight", StringComparison.Ordinal)
        && !t.Name.EndsWith("_norm.weight", StringComparison.Ordinal);
}
