using System.Runtime.InteropServices;
using LLama.Native;

namespace Gemma4.AI.Native;

/// <summary>The llama.cpp entry points the embedding engine needs beyond the chat engine's.</summary>
internal static partial class LlamaNative
{
    [LibraryImport(LibraryName, EntryPoint = "llama_vocab_get_add_bos")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool VocabGetAddBos(IntPtr vocab);

    [LibraryImport(LibraryName, EntryPoint = "llama_vocab_get_add_eos")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool VocabGetAddEos(IntPtr vocab);

    [LibraryImport(LibraryName, EntryPoint = "llama_vocab_eos")]
    public static partial int VocabEos(IntPtr vocab);

    /// <summary>Width of the model's output embedding (after any dense projection; <c>n_embd</c> otherwise).</summary>
    [LibraryImport(LibraryName, EntryPoint = "llama_model_n_embd_out")]
    public static partial int ModelEmbeddingLengthOut(SafeLlamaModelHandle model);

    [LibraryImport(LibraryName, EntryPoint = "llama_pooling_type")]
    public static partial int ContextPoolingType(SafeLLamaContextHandle ctx);

    [LibraryImport(LibraryName, EntryPoint = "llama_memory_clear")]
    public static partial void MemoryClear(IntPtr memory, [MarshalAs(UnmanagedType.U1)] bool data);
}
