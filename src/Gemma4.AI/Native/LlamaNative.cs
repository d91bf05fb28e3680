using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LLama.Native;

namespace Gemma4.AI.Native;

/// <summary>
/// Direct llama.cpp entry points that LLamaSharp does not expose in a usable form.
/// </summary>
/// <remarks>
/// We call <c>llama_decode</c> ourselves to avoid LLamaSharp's process-wide inference lock (each engine owns its
/// context and decodes on one thread), and we build grammar samplers ourselves because LLamaSharp adds a null
/// sampler for an invalid grammar and its lazy-grammar signature is wrong (both crash the process).
/// </remarks>
internal static unsafe partial class LlamaNative
{
    public const string LibraryName = "llama";

    static LlamaNative() => NativeLibraryResolver.EnsureRegistered();

    /// <summary>Forces the resolver registration (and LLamaSharp's native load) before the first call.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void EnsureLoaded() => NativeApi.llama_empty_call();

    [LibraryImport(LibraryName, EntryPoint = "llama_decode")]
    public static partial int Decode(SafeLLamaContextHandle ctx, LLamaNativeBatch batch);

    [LibraryImport(LibraryName, EntryPoint = "llama_set_abort_callback")]
    public static partial void SetAbortCallback(SafeLLamaContextHandle ctx, delegate* unmanaged[Cdecl]<IntPtr, byte> callback, IntPtr data);

    [LibraryImport(LibraryName, EntryPoint = "llama_model_get_vocab")]
    public static partial IntPtr ModelGetVocab(SafeLlamaModelHandle model);

    [LibraryImport(LibraryName, EntryPoint = "llama_tokenize")]
    public static partial int Tokenize(IntPtr vocab, byte* text, int textLength, int* tokens, int maxTokens, [MarshalAs(UnmanagedType.U1)] bool addSpecial, [MarshalAs(UnmanagedType.U1)] bool parseSpecial);

    [LibraryImport(LibraryName, EntryPoint = "llama_token_to_piece")]
    public static partial int TokenToPiece(IntPtr vocab, int token, byte* buffer, int length, int lstrip, [MarshalAs(UnmanagedType.U1)] bool special);

    [LibraryImport(LibraryName, EntryPoint = "llama_vocab_n_tokens")]
    public static partial int VocabTokenCount(IntPtr vocab);

    [LibraryImport(LibraryName, EntryPoint = "llama_vocab_is_eog")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool VocabIsEog(IntPtr vocab, int token);

    [LibraryImport(LibraryName, EntryPoint = "llama_vocab_get_attr")]
    public static partial int VocabGetAttr(IntPtr vocab, int token);

    [LibraryImport(LibraryName, EntryPoint = "llama_vocab_get_text")]
    public static partial byte* VocabGetText(IntPtr vocab, int token);

    [LibraryImport(LibraryName, EntryPoint = "llama_vocab_bos")]
    public static partial int VocabBos(IntPtr vocab);

    [LibraryImport(LibraryName, EntryPoint = "llama_get_logits_ith")]
    public static partial float* GetLogitsIth(SafeLLamaContextHandle ctx, int i);

    [LibraryImport(LibraryName, EntryPoint = "llama_get_embeddings_seq")]
    public static partial float* GetEmbeddingsSeq(SafeLLamaContextHandle ctx, int seqId);

    [LibraryImport(LibraryName, EntryPoint = "llama_get_embeddings_ith")]
    public static partial float* GetEmbeddingsIth(SafeLLamaContextHandle ctx, int i);

    [LibraryImport(LibraryName, EntryPoint = "llama_sampler_init_grammar", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr SamplerInitGrammar(IntPtr vocab, string grammar, string root);

    [LibraryImport(LibraryName, EntryPoint = "llama_sampler_init_grammar_lazy_patterns", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr SamplerInitGrammarLazyPatterns(IntPtr vocab, string grammar, string root, IntPtr* triggerPatterns, nuint patternCount, int* triggerTokens, nuint tokenCount);

    [LibraryImport(LibraryName, EntryPoint = "llama_sampler_chain_add")]
    public static partial void SamplerChainAdd(SafeLLamaSamplerChainHandle chain, IntPtr sampler);

    [LibraryImport(LibraryName, EntryPoint = "llama_sampler_free")]
    public static partial void SamplerFree(IntPtr sampler);

    [LibraryImport(LibraryName, EntryPoint = "llama_sampler_apply")]
    public static partial void SamplerApply(SafeLLamaSamplerChainHandle chain, TokenDataArray* candidates);

    [LibraryImport(LibraryName, EntryPoint = "llama_sampler_accept")]
    public static partial void SamplerAccept(SafeLLamaSamplerChainHandle chain, int token);

    [LibraryImport(LibraryName, EntryPoint = "llama_sampler_apply")]
    public static partial void SamplerApply(IntPtr sampler, TokenDataArray* candidates);

    [LibraryImport(LibraryName, EntryPoint = "llama_sampler_accept")]
    public static partial void SamplerAccept(IntPtr sampler, int token);

    [LibraryImport(LibraryName, EntryPoint = "llama_get_memory")]
    public static partial IntPtr GetMemory(SafeLLamaContextHandle ctx);

    [LibraryImport(LibraryName, EntryPoint = "llama_memory_seq_rm")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool MemorySeqRemove(IntPtr memory, int seq, int p0, int p1);

    [LibraryImport(LibraryName, EntryPoint = "llama_memory_seq_pos_min")]
    public static partial int MemorySeqPosMin(IntPtr memory, int seq);

    [LibraryImport(LibraryName, EntryPoint = "llama_memory_seq_pos_max")]
    public static partial int MemorySeqPosMax(IntPtr memory, int seq);

    [LibraryImport(LibraryName, EntryPoint = "llama_memory_seq_cp")]
    public static partial void MemorySeqCopy(IntPtr memory, int src, int dst, int p0, int p1);

    [LibraryImport(LibraryName, EntryPoint = "llama_set_causal_attn")]
    public static partial void SetCausalAttention(SafeLLamaContextHandle ctx, [MarshalAs(UnmanagedType.U1)] bool causal);

    [LibraryImport(LibraryName, EntryPoint = "llama_model_n_embd_inp")]
    public static partial int ModelInputEmbeddingWidth(SafeLlamaModelHandle model);

    [LibraryImport(LibraryName, EntryPoint = "llama_model_n_swa")]
    public static partial int ModelSlidingWindow(SafeLlamaModelHandle model);

    [LibraryImport(LibraryName, EntryPoint = "llama_state_seq_get_size")]
    public static partial nuint StateSeqGetSize(SafeLLamaContextHandle ctx, int seq);

    [LibraryImport(LibraryName, EntryPoint = "llama_state_seq_get_data")]
    public static partial nuint StateSeqGetData(SafeLLamaContextHandle ctx, byte* dst, nuint size, int seq);

    [LibraryImport(LibraryName, EntryPoint = "llama_state_seq_set_data")]
    public static partial nuint StateSeqSetData(SafeLLamaContextHandle ctx, byte* src, nuint size, int seq);

    [LibraryImport(LibraryName, EntryPoint = "llama_set_embeddings")]
    public static partial void SetEmbeddings(SafeLLamaContextHandle ctx, [MarshalAs(UnmanagedType.U1)] bool embeddings);

    /// <summary>llama_token_data.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TokenData
    {
        public int Id;
        public float Logit;
        public float P;
    }

    /// <summary>llama_token_data_array.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TokenDataArray
    {
        public TokenData* Data;
        public nuint Size;
        public long Selected;
        [MarshalAs(UnmanagedType.U1)]
        public bool Sorted;
    }
}
