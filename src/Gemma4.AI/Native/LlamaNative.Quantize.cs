using System.Runtime.InteropServices;

namespace Gemma4.AI.Native;

/// <summary>llama.cpp's model quantizer (b10221 include/llama.h).</summary>
internal static unsafe partial class LlamaNative
{
    /// <summary>Quantizes <paramref name="input"/> into <paramref name="output"/>; 0 on success. Runs to the end: no progress callback, no abort.</summary>
    [LibraryImport(LibraryName, EntryPoint = "llama_model_quantize", StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint ModelQuantize(string input, string output, QuantizeParams* parameters);

    [LibraryImport(LibraryName, EntryPoint = "llama_model_quantize_default_params")]
    public static partial QuantizeParams ModelQuantizeDefaultParams();

    /// <summary>
    /// llama_model_quantize_params as b10221 lays it out (56 bytes on 64-bit): four int32s, six bools, four pointers.
    /// Checked at run time against llama.cpp's defaults before use (<see cref="IsExpectedLayout"/>).
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct QuantizeParams
    {
        /// <summary>Threads; &lt;= 0 means all hardware threads.</summary>
        public int ThreadCount;

        /// <summary>enum llama_ftype.</summary>
        public int FileType;

        /// <summary>enum ggml_type of output.weight; GGML_TYPE_COUNT = the mix's choice.</summary>
        public int OutputTensorType;

        /// <summary>enum ggml_type of token_embd.weight; GGML_TYPE_COUNT = the mix's choice.</summary>
        public int TokenEmbeddingType;

        public byte AllowRequantize;
        public byte QuantizeOutputTensor;
        public byte OnlyCopy;
        public byte Pure;
        public byte KeepSplit;
        public byte DryRun;
        public IntPtr ImportanceMatrix;
        public IntPtr KvOverrides;
        public IntPtr TensorTypeOverrides;
        public IntPtr PruneLayers;

        /// <summary>
        /// Whether these are llama.cpp's defaults as b10221 writes them (ftype Q8_0, no type overrides, quantize the output
        /// tensor, no pointers); anything else means the struct changed and passing it would corrupt the call.
        /// </summary>
        public readonly bool IsExpectedLayout() =>
            sizeof(QuantizeParams) == 56
            && ThreadCount == 0 && FileType == 7
            // GGML_TYPE_COUNT (43 in b10221) grows with new types; any plausible value means "let the mix decide".
            && OutputTensorType == TokenEmbeddingType && OutputTensorType is >= 40 and <= 128
            && AllowRequantize == 0 && QuantizeOutputTensor == 1 && OnlyCopy == 0 && Pure == 0 && KeepSplit == 0 && DryRun == 0
            && ImportanceMatrix == 0 && KvOverrides == 0 && TensorTypeOverrides == 0 && PruneLayers == 0;
    }
}
