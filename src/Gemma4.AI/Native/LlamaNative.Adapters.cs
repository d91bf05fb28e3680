using System.Runtime.InteropServices;
using LLama.Native;

namespace Gemma4.AI.Native;

/// <summary>LoRA adapter entry points of llama.cpp b10221 (include/llama.h), bound here because LLamaSharp's are partly wrong.</summary>
/// <remarks>
/// LLamaSharp 0.30 binds <c>llama_adapter_meta_val_by_index</c>, which the library does not export (it is
/// <c>llama_adapter_meta_val_str_by_index</c>), and its <c>LoadLoraFromFile</c> hides why a load failed; we validate the
/// file in managed code first and call these directly.
/// </remarks>
internal static unsafe partial class LlamaNative
{
    /// <summary>Loads an adapter for <paramref name="model"/>; null when llama.cpp refuses it (it logs why). The model frees it at the latest.</summary>
    [LibraryImport(LibraryName, EntryPoint = "llama_adapter_lora_init", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr AdapterLoraInit(SafeLlamaModelHandle model, string path);

    /// <summary>Frees an adapter (and removes it from its model's list). No context may still use it in a decode.</summary>
    [LibraryImport(LibraryName, EntryPoint = "llama_adapter_lora_free")]
    public static partial void AdapterLoraFree(IntPtr adapter);

    /// <summary>
    /// Replaces the context's whole adapter set; a no-op when it is already that set. Zero scales leave an adapter out of the
    /// graph entirely. With <paramref name="count"/> &gt; 0, null arrays abort the process (GGML_ASSERT).
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "llama_set_adapters_lora")]
    private static partial int SetAdaptersLora(SafeLLamaContextHandle ctx, IntPtr* adapters, nuint count, float* scales);

    /// <summary>Replaces the context's adapter set with <paramref name="adapters"/> at <paramref name="scales"/> (arrays of equal length).</summary>
    public static int SetAdaptersLora(SafeLLamaContextHandle ctx, ReadOnlySpan<IntPtr> adapters, ReadOnlySpan<float> scales)
    {
        if (adapters.Length != scales.Length)
        {
            throw new ArgumentException($"{adapters.Length} adapters but {scales.Length} scales.", nameof(scales));
        }

        fixed (IntPtr* a = adapters)
        fixed (float* s = scales)
        {
            return SetAdaptersLora(ctx, adapters.IsEmpty ? null : a, (nuint)adapters.Length, scales.IsEmpty ? null : s);
        }
    }
}
