using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LLama.Native;

namespace Gemma4.AI.Native;

/// <summary>
/// llama.cpp's multimodal library (libmtmd, shipped next to libllama) bound against the bundled build (b10221).
/// </summary>
/// <remarks>
/// LLamaSharp 0.30's own bindings are not used: its <c>mtmd_get_marker</c> calls another entry point, its
/// <c>mtmd_decode_use_non_causal</c> omits the chunk argument, it never copies <c>batch_max_tokens</c> into the
/// native parameters, and its media loading shares one pending list per context across requests. The struct layouts
/// below were checked against the binary (<c>mtmd_context_params_default</c> returns 80 bytes: the media marker at
/// offset 16, <c>batch_max_tokens</c> = 1024 at offset 56).
/// </remarks>
internal static unsafe partial class MtmdNative
{
    public const string LibraryName = "mtmd";

    public const int ChunkText = 0;
    public const int ChunkImage = 1;
    public const int ChunkAudio = 2;

    static MtmdNative() => NativeLibraryResolver.EnsureRegistered();

    /// <summary>Makes LLamaSharp load libmtmd (from the same native folder as libllama) so the resolver finds it by name.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void EnsureLoaded()
    {
        NativeApi.llama_empty_call();
        _ = NativeApi.MtmdDefaultMarker();
    }

    [LibraryImport(LibraryName, EntryPoint = "mtmd_context_params_default")]
    public static partial ContextParams ContextParamsDefault();

    [LibraryImport(LibraryName, EntryPoint = "mtmd_init_from_file")]
    public static partial IntPtr InitFromFile(byte* path, SafeLlamaModelHandle textModel, ContextParams parameters);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_free")]
    public static partial void Free(IntPtr context);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_support_vision")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool SupportVision(IntPtr context);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_support_audio")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool SupportAudio(IntPtr context);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_get_audio_sample_rate")]
    public static partial int AudioSampleRate(IntPtr context);

    /// <summary>Whether a chunk is decoded with causal attention off (gemma4v images); the native function reads the chunk.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mtmd_decode_use_non_causal")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool DecodeUseNonCausal(IntPtr context, IntPtr chunk);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_decode_use_mrope")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool DecodeUseMrope(IntPtr context);

    /// <summary>
    /// Decodes an audio clip (miniaudio, resampled to the encoder's rate) or an image (stb_image) from memory. Never used
    /// for images: when stb_image fails, the bundled helper hands the bytes to ffprobe/ffmpeg processes as video.
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "mtmd_helper_bitmap_init_from_buf")]
    public static partial BitmapWrapper BitmapInitFromBuffer(IntPtr context, byte* buffer, nuint length, [MarshalAs(UnmanagedType.U1)] bool placeholder);

    /// <summary>A bitmap from RGB bytes (nx * ny * 3), copied.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mtmd_bitmap_init")]
    public static partial IntPtr BitmapInit(uint width, uint height, byte* rgb);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_helper_video_free")]
    public static partial void VideoFree(IntPtr video);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_bitmap_free")]
    public static partial void BitmapFree(IntPtr bitmap);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_bitmap_get_nx")]
    public static partial uint BitmapWidth(IntPtr bitmap);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_bitmap_get_ny")]
    public static partial uint BitmapHeight(IntPtr bitmap);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_bitmap_get_data")]
    public static partial byte* BitmapData(IntPtr bitmap);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_bitmap_get_n_bytes")]
    public static partial nuint BitmapByteCount(IntPtr bitmap);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_bitmap_is_audio")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool BitmapIsAudio(IntPtr bitmap);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_bitmap_set_id")]
    public static partial void BitmapSetId(IntPtr bitmap, byte* id);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_input_chunks_init")]
    public static partial IntPtr ChunksInit();

    [LibraryImport(LibraryName, EntryPoint = "mtmd_input_chunks_size")]
    public static partial nuint ChunksSize(IntPtr chunks);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_input_chunks_get")]
    public static partial IntPtr ChunksGet(IntPtr chunks, nuint index);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_input_chunks_free")]
    public static partial void ChunksFree(IntPtr chunks);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_input_chunk_get_type")]
    public static partial int ChunkType(IntPtr chunk);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_input_chunk_get_tokens_text")]
    public static partial int* ChunkTextTokens(IntPtr chunk, nuint* count);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_input_chunk_get_tokens_image")]
    public static partial IntPtr ChunkImageTokens(IntPtr chunk);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_input_chunk_get_n_tokens")]
    public static partial nuint ChunkTokenCount(IntPtr chunk);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_input_chunk_get_n_pos")]
    public static partial int ChunkPositionCount(IntPtr chunk);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_input_chunk_copy")]
    public static partial IntPtr ChunkCopy(IntPtr chunk);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_input_chunk_free")]
    public static partial void ChunkFree(IntPtr chunk);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_image_tokens_get_nx")]
    public static partial nuint ImageTokensWidth(IntPtr imageTokens);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_image_tokens_get_ny")]
    public static partial nuint ImageTokensHeight(IntPtr imageTokens);

    /// <summary>Splits text at the media marker into text chunks and one media chunk per bitmap: 0 ok, 1 marker/bitmap count mismatch, 2 preprocessing error.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mtmd_tokenize")]
    public static partial int Tokenize(IntPtr context, IntPtr output, InputText* text, IntPtr* bitmaps, nuint bitmapCount);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_encode_chunk")]
    public static partial int EncodeChunk(IntPtr context, IntPtr chunk);

    /// <summary>The embeddings of the last encode: n_tokens × the text model's input width floats, valid until the next encode.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mtmd_get_output_embd")]
    public static partial float* OutputEmbeddings(IntPtr context);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_log_set")]
    public static partial void LogSet(delegate* unmanaged[Cdecl]<int, byte*, IntPtr, void> callback, IntPtr userData);

    [LibraryImport(LibraryName, EntryPoint = "mtmd_helper_log_set")]
    public static partial void HelperLogSet(delegate* unmanaged[Cdecl]<int, byte*, IntPtr, void> callback, IntPtr userData);

    /// <summary>mtmd_context_params (b10221 layout, 80 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ContextParams
    {
        public byte UseGpu;
        public byte PrintTimings;
        public int Threads;
        public IntPtr ImageMarker;
        public IntPtr MediaMarker;
        public int FlashAttentionType;
        public byte Warmup;
        public int ImageMinTokens;
        public int ImageMaxTokens;
        public IntPtr EvalCallback;
        public IntPtr EvalCallbackData;
        public int BatchMaxTokens;
        public IntPtr ProgressCallback;
        public IntPtr ProgressCallbackData;
    }

    /// <summary>mtmd_input_text: the text and its byte length (not NUL-terminated), whether to add BOS, whether to parse control tokens.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct InputText
    {
        public byte* Text;
        public nuint Length;
        public byte AddSpecial;
        public byte ParseSpecial;
    }

    /// <summary>mtmd_helper_bitmap_wrapper: a bitmap, or a video context for video input (which this library never sends).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BitmapWrapper
    {
        public IntPtr Bitmap;
        public IntPtr Video;
    }
}
