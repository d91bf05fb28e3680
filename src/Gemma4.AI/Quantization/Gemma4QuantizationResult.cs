namespace Gemma4.AI;

/// <summary>What <see cref="Gemma4Quantizer.QuantizeAsync"/> wrote.</summary>
/// <param name="OutputPath">Full path of the new GGUF file.</param>
/// <param name="Type">The type it was quantized to.</param>
/// <param name="InputBytes">Size of the input file.</param>
/// <param name="OutputBytes">Size of the output file.</param>
/// <param name="Elapsed">Wall time, including the checks before and after llama.cpp ran.</param>
public sealed record Gemma4QuantizationResult(string OutputPath, Gemma4QuantizationType Type, long InputBytes, long OutputBytes, TimeSpan Elapsed)
{
    /// <summary>Output size divided by input size.</summary>
    public double SizeRatio => InputBytes == 0 ? 0 : (double)OutputBytes / InputBytes;
}
