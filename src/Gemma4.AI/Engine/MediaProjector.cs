using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Gemma4.AI.Multimodal;
using Gemma4.AI.Native;
using LLama.Native;

namespace Gemma4.AI.Engine;

/// <summary>
/// A loaded projector (llama.cpp mtmd context): decodes and tokenizes images and audio on any thread, and encodes media
/// chunks into embeddings on the decode thread.
/// </summary>
/// <remarks>
/// <para>mtmd finds media in a prompt by a marker string. This library never hands mtmd a user's text: each medium is
/// tokenized alone from a marker that is random per process, and the rest of the prompt is tokenized by
/// <see cref="Gemma4Tokenizer"/>, so no text can create media.</para>
/// <para>An encode polls the engine's abort flag between graph nodes (through mtmd's eval callback), so cancelling a
/// request or disposing the model stops a long encode early.</para>
/// </remarks>
internal sealed unsafe class MediaProjector : IDisposable
{
    // The eval callback asks to see every 16th node: each seen node is a point where an encode can be aborted.
    private const int AbortCheckStride = 16;

    // The fewest samples (after resampling) mtmd's audio preprocessor takes without asserting.
    private const int MinimumAudioSamples = 2;

    private static readonly byte[] Marker = Encoding.UTF8.GetBytes($"<__gemma4ai_media_{Guid.NewGuid():N}__>");

    [ThreadStatic]
    private static int _nodes;

    private readonly SafeMtmdContextHandle _handle;

    private MediaProjector(SafeMtmdContextHandle handle, ProjectorInfo info, int sampleRate, int imageMinTokens, int imageMaxTokens, int embeddingWidth)
    {
        _handle = handle;
        Info = info;
        AudioSampleRate = sampleRate;
        ImageMinTokens = imageMinTokens;
        ImageMaxTokens = imageMaxTokens;
        EmbeddingWidth = embeddingWidth;
    }

    public ProjectorInfo Info { get; }

    public bool SupportsImages => Info.Vision is not null;

    public bool SupportsAudio => Info.Audio is not null;

    public int AudioSampleRate { get; }

    public int ImageMinTokens { get; }

    public int ImageMaxTokens { get; }

    /// <summary>Floats per embedding mtmd produces (the text model's input width).</summary>
    public int EmbeddingWidth { get; }

    /// <summary>Loads a preflighted projector for <paramref name="model"/>.</summary>
    /// <param name="info">The preflight's result.</param>
    /// <param name="model">The text model's weights.</param>
    /// <param name="threads">CPU threads of the encoders.</param>
    /// <param name="useGpu">Whether the encoders run on the GPU (when the text model's layers do).</param>
    /// <param name="imageMinTokens">Fewest tokens per image.</param>
    /// <param name="imageMaxTokens">Most tokens per image.</param>
    /// <param name="abortFlag">An int in native memory that aborts a running encode when non-zero.</param>
    /// <exception cref="Gemma4ModelLoadException">mtmd refused the projector.</exception>
    public static MediaProjector Load(ProjectorInfo info, SafeLlamaModelHandle model, int threads, bool useGpu, int imageMinTokens, int imageMaxTokens, IntPtr abortFlag)
    {
        NativeLogging.EnsureMtmdConfigured();
        var parameters = MtmdNative.ContextParamsDefault();
        parameters.UseGpu = useGpu ? (byte)1 : (byte)0;
        parameters.PrintTimings = 0;
        parameters.Threads = threads;
        parameters.Warmup = 1;
        parameters.ImageMinTokens = imageMinTokens;
        parameters.ImageMaxTokens = imageMaxTokens;
        parameters.EvalCallback = (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, byte, IntPtr, byte>)&OnEval;
        parameters.EvalCallbackData = abortFlag;

        IntPtr context;
        string reason;
        using (var capture = NativeErrorCapture.Start())
        {
            var path = Encoding.UTF8.GetBytes(info.FilePath + "\0");
            fixed (byte* marker = NullTerminated(Marker))
            fixed (byte* p = path)
            {
                parameters.MediaMarker = (IntPtr)marker;
                context = MtmdNative.InitFromFile(p, model, parameters);
            }

            reason = capture.Describe("mtmd_init_from_file returned null");
        }

        if (context == IntPtr.Zero)
        {
            throw new Gemma4ModelLoadException(info.FilePath, $"llama.cpp's mtmd could not load the projector: {reason}");
        }

        var handle = new SafeMtmdContextHandle(context);
        try
        {
            if (MtmdNative.SupportVision(context) != info.Vision is not null || MtmdNative.SupportAudio(context) != info.Audio is not null
                || MtmdNative.DecodeUseMrope(context))
            {
                throw new Gemma4ModelLoadException(info.FilePath, "mtmd loaded the projector with other modalities or positions than Gemma 4's");
            }

            var rate = info.Audio is null ? 0 : MtmdNative.AudioSampleRate(context);
            return new MediaProjector(handle, info, rate, imageMinTokens, imageMaxTokens, LlamaNative.ModelInputEmbeddingWidth(model));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Decodes one image (StbImageSharp, the managed port of stb_image) or audio clip (miniaudio in libmtmd, resampled to
    /// the encoder's rate) and tokenizes it. Thread-safe. The caller has checked the media type and header (format,
    /// dimensions) first.
    /// </summary>
    /// <remarks>
    /// Images are decoded in managed code: libmtmd's helper hands bytes that stb_image cannot decode to ffprobe/ffmpeg
    /// processes (as video), which a library must never do with a caller's data. Audio goes to the helper only with an
    /// audio signature, for which it tries nothing but miniaudio.
    /// </remarks>
    /// <exception cref="InvalidDataException">The bytes do not decode, or decode to something unusable; the message says why.</exception>
    public PreparedMedia Prepare(ReadOnlyMemory<byte> data, MediaKind kind, double maxAudioSeconds)
    {
        using var lease = new Lease(_handle);
        var context = _handle.DangerousGetHandle();
        using var capture = NativeErrorCapture.Start();
        var bitmap = kind == MediaKind.Image ? DecodeImage(data) : DecodeAudio(context, data.Span, capture);
        try
        {
            return Tokenize(context, bitmap, kind, maxAudioSeconds, capture);
        }
        finally
        {
            MtmdNative.BitmapFree(bitmap);
        }
    }

    /// <summary>Encodes a media chunk; returns its embeddings (valid until the next encode). The decode thread only.</summary>
    /// <exception cref="InvalidOperationException">The encode failed; the message carries mtmd's reason.</exception>
    public float* Encode(IntPtr chunk)
    {
        using var lease = new Lease(_handle);
        using var capture = NativeErrorCapture.Start();
        _nodes = 0;
        var result = MtmdNative.EncodeChunk(_handle.DangerousGetHandle(), chunk);
        if (result != 0)
        {
            throw new InvalidOperationException($"mtmd_encode_chunk failed ({result}): {capture.Describe("no reason logged")}");
        }

        return MtmdNative.OutputEmbeddings(_handle.DangerousGetHandle());
    }

    public void Dispose() => _handle.Dispose();

    private static IntPtr DecodeImage(ReadOnlyMemory<byte> data)
    {
        if (MediaSniffer.Detect(data.Span) == MediaFormat.Pnm)
        {
            var (width, height, pixels) = PnmDecoder.Decode(data.Span);
            return Bitmap(width, height, pixels);
        }

        var bytes = MemoryMarshal.TryGetArray(data, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : data.ToArray();
        StbImageSharp.ImageResult image;
        try
        {
            image = StbImageSharp.ImageResult.FromMemory(bytes, StbImageSharp.ColorComponents.RedGreenBlue);
        }
#pragma warning disable CA1031 // Whatever the decoder throws on bad bytes is a bad argument, reported with its reason.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // StbImageSharp's reasons are stb_image's terse codes, sometimes padded with NULs or blank: keep what reads.
            var reason = string.Join(' ', ex.Message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(w => new string([.. w.Where(c => !char.IsControl(c))])).Where(w => w.Length > 0));
            throw new InvalidDataException(
                $"stb_image could not decode the image{(reason.Length > 0 ? $" ({reason})" : string.Empty)}: corrupt or truncated data, or an unsupported variant of the format", ex);
        }

        return Bitmap(image.Width, image.Height, image.Data);
    }

    private static IntPtr Bitmap(int width, int height, byte[] rgb)
    {
        fixed (byte* p = rgb)
        {
            var bitmap = MtmdNative.BitmapInit((uint)width, (uint)height, p);
            return bitmap != IntPtr.Zero ? bitmap : throw new InvalidDataException("mtmd could not create a bitmap of the image");
        }
    }

    private static IntPtr DecodeAudio(IntPtr context, ReadOnlySpan<byte> data, NativeErrorCapture capture)
    {
        MtmdNative.BitmapWrapper wrapper;
        fixed (byte* bytes = data)
        {
            wrapper = MtmdNative.BitmapInitFromBuffer(context, bytes, (nuint)data.Length, placeholder: false);
        }

        if (wrapper.Video != IntPtr.Zero)
        {
            MtmdNative.VideoFree(wrapper.Video); // never asked for: the bytes carry an audio signature
        }

        return wrapper.Bitmap != IntPtr.Zero ? wrapper.Bitmap : throw new InvalidDataException(capture.Describe(
            "the audio decoder could not decode the clip (corrupt or truncated data, or an unsupported encoding)"));
    }

    private PreparedMedia Tokenize(IntPtr context, IntPtr bitmap, MediaKind kind, double maxAudioSeconds, NativeErrorCapture capture)
    {
        var isAudio = MtmdNative.BitmapIsAudio(bitmap);
        if (isAudio != (kind == MediaKind.Audio))
        {
            throw new InvalidDataException($"the data decoded as {(isAudio ? "audio" : "an image")}, not as {(kind == MediaKind.Audio ? "audio" : "an image")}");
        }

        var width = MtmdNative.BitmapWidth(bitmap);
        var height = MtmdNative.BitmapHeight(bitmap);
        if (isAudio)
        {
            var seconds = (double)width / AudioSampleRate;
            if (width == 0)
            {
                throw new InvalidDataException("the clip contains no audio samples");
            }

            // mtmd asserts (aborting the process) on a clip of one sample.
            if (width < MinimumAudioSamples)
            {
                throw new InvalidDataException($"the clip is {width} sample{(width == 1 ? "" : "s")} long at {AudioSampleRate} Hz, too short to hear (at least {MinimumAudioSamples})");
            }

            if (seconds > maxAudioSeconds)
            {
                throw new InvalidDataException($"the clip is {seconds:F1} s long, over the {maxAudioSeconds:F0} s limit (Gemma4ModelOptions.MaxAudioSeconds)");
            }
        }

        var bytes = MtmdNative.BitmapByteCount(bitmap);
        var byteCount = bytes <= int.MaxValue ? (int)bytes : throw new InvalidDataException($"the decoded {(isAudio ? "clip" : "image")} takes {bytes:N0} bytes, more than one buffer holds");

        // The cache key of the media: its decoded content, so the same picture in another file format is the same media.
        var hash = new byte[32];
        using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            Span<byte> header = stackalloc byte[9];
            header[0] = (byte)kind;
            BitConverter.TryWriteBytes(header[1..], width);
            BitConverter.TryWriteBytes(header[5..], height);
            sha.AppendData(header);
            sha.AppendData(new ReadOnlySpan<byte>(MtmdNative.BitmapData(bitmap), byteCount));
            sha.GetHashAndReset(hash);
        }

        var id = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(hash) + "\0");
        fixed (byte* p = id)
        {
            MtmdNative.BitmapSetId(bitmap, p);
        }

        var chunks = new SafeMtmdChunksHandle(MtmdNative.ChunksInit());
        try
        {
            int result;
            fixed (byte* marker = Marker)
            {
                var text = new MtmdNative.InputText { Text = marker, Length = (nuint)Marker.Length, AddSpecial = 0, ParseSpecial = 1 };
                result = MtmdNative.Tokenize(context, chunks.DangerousGetHandle(), &text, &bitmap, 1);
            }

            if (result != 0)
            {
                throw new InvalidDataException($"mtmd could not preprocess the {(isAudio ? "clip" : "image")} ({result}): {capture.Describe("no reason logged")}");
            }

            return Collect(context, chunks, kind, hash);
        }
        catch
        {
            chunks.Dispose();
            throw;
        }
    }

    /// <summary>Text chunks become their tokens, media chunks the media's placeholder id once per position.</summary>
    private static PreparedMedia Collect(IntPtr context, SafeMtmdChunksHandle chunks, MediaKind kind, byte[] hash)
    {
        var placeholder = PreparedMedia.PlaceholderFor(hash);
        var tokens = new List<int>();
        var media = new List<MediaChunk>();
        var list = chunks.DangerousGetHandle();
        var count = (int)MtmdNative.ChunksSize(list);
        for (var i = 0; i < count; i++)
        {
            var chunk = MtmdNative.ChunksGet(list, (nuint)i);
            if (MtmdNative.ChunkType(chunk) == MtmdNative.ChunkText)
            {
                nuint n;
                var text = MtmdNative.ChunkTextTokens(chunk, &n);
                tokens.AddRange(new ReadOnlySpan<int>(text, (int)n));
                continue;
            }

            var length = checked((int)MtmdNative.ChunkTokenCount(chunk));
            if (length == 0 || MtmdNative.ChunkPositionCount(chunk) != length)
            {
                throw new InvalidDataException($"mtmd produced a media chunk of {length} embeddings at {MtmdNative.ChunkPositionCount(chunk)} positions");
            }

            media.Add(new MediaChunk(tokens.Count, length, chunk, MtmdNative.DecodeUseNonCausal(context, chunk)));
            tokens.AddRange(Enumerable.Repeat(placeholder, length));
        }

        if (media.Count == 0)
        {
            throw new InvalidDataException("mtmd produced no media chunk");
        }

        return new PreparedMedia(chunks, kind, hash, [.. tokens], media);
    }

    private static byte[] NullTerminated(byte[] text) => [.. text, 0];

    // ggml_backend_sched_eval_callback: asked for every node ("do you want to see it?"); told after each node it asked
    // for ("continue?"). Seeing a node splits the graph there, so only every AbortCheckStride-th node is asked for.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static byte OnEval(IntPtr tensor, byte ask, IntPtr abortFlag)
    {
        if (ask != 0)
        {
            return ++_nodes % AbortCheckStride == 0 ? (byte)1 : (byte)0;
        }

        return abortFlag != IntPtr.Zero && Volatile.Read(ref *(int*)abortFlag) != 0 ? (byte)0 : (byte)1;
    }

    /// <summary>Keeps the mtmd context alive for a native call made while the model may be disposed.</summary>
    private readonly struct Lease : IDisposable
    {
        private readonly SafeHandle _handle;

        public Lease(SafeHandle handle)
        {
            var added = false;
            handle.DangerousAddRef(ref added);
            _handle = handle;
        }

        public void Dispose() => _handle.DangerousRelease();
    }
}
