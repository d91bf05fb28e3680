using Gemma4.AI.Engine;
using Gemma4.AI.Formatting;
using Gemma4.AI.Gguf;
using Gemma4.AI.Multimodal;
using Gemma4.AI.Native;
using LLama;
using LLama.Common;
using LLama.Extensions;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gemma4.AI;

/// <summary>
/// A loaded Gemma 4 GGUF model with its llama.cpp context and decode loop. Create one per model file and share it:
/// chat clients over the same model batch their requests into this one context.
/// </summary>
/// <remarks>
/// Loading first reads the GGUF header in managed code and refuses files that would make llama.cpp abort the
/// process (missing keys, wrong architecture, truncation), with a <see cref="Gemma4ModelLoadException"/>. All decodes
/// of one model run on one thread; concurrent requests are decoded together in one batch. Thread-safe.
/// </remarks>
public sealed partial class Gemma4Model : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly SafeLLamaContextHandle? _context;
    private readonly InferenceEngine? _engine;
    private readonly List<IDisposable> _dependents = [];
    private MediaProjector? _projector;
    private int _disposed;

    private Gemma4Model(Gemma4ModelOptions options, Gemma4ModelInfo info, LLamaWeights weights, SafeLLamaContextHandle? context, ILoggerFactory loggerFactory)
    {
        LoadedOptions = options;
        Info = info;
        LoggerFactory = loggerFactory;
        _weights = weights;
        _context = context;
        Tokenizer = new Gemma4Tokenizer(LlamaNative.ModelGetVocab(weights.NativeHandle));
        TemplateVariant = options.TemplateVariant ?? DetectVariant(info);
        ModelId = string.IsNullOrWhiteSpace(info.Name) ? Path.GetFileNameWithoutExtension(info.FilePath) : info.Name!;
        if (context is not null)
        {
            var prefixCache = options.PrefixCacheDirectory is { Length: > 0 } directory
                ? new PersistentPrefixCache(
                    directory,
                    PersistentPrefixCache.Fingerprint(info.FilePath, info.FileLength - info.TensorBytes, $"k={options.KeyCacheType},v={options.ValueCacheType},swafull={options.SwaFull}"),
                    options.PrefixCacheMinTokens,
                    options.PrefixCacheMaxBytes,
                    loggerFactory.CreateLogger<PersistentPrefixCache>())
                : null;
            _engine = new InferenceEngine(
                context,
                Tokenizer,
                new EngineSettings(
                    (int)context.ContextSize,
                    (int)context.BatchSize,
                    (int)context.UBatchSize,
                    (int)context.MaxSeq,
                    LlamaNative.ModelSlidingWindow(weights.NativeHandle),
                    options.SwaFull,
                    options.MaxQueuedRequests,
                    options.QueueFullBehavior == Gemma4QueueFullBehavior.Throw),
                loggerFactory.CreateLogger<InferenceEngine>(),
                prefixCache);
        }
    }

    /// <summary>
    /// A copy of the options the model was loaded with. Each read returns a new copy: changing it changes neither this
    /// model nor the clients and generators created over it later.
    /// </summary>
    public Gemma4ModelOptions Options => LoadedOptions.Clone();

    /// <summary>The model's name (GGUF <c>general.name</c>, else the file name); used as ModelId in responses.</summary>
    public string ModelId { get; }

    /// <summary>Path of the GGUF file.</summary>
    public string ModelPath => Info.FilePath;

    /// <summary>The GGUF architecture (<c>gemma4</c> or <c>gemma-embedding</c>).</summary>
    public string Architecture => Info.Architecture;

    /// <summary>The context length the model was trained for.</summary>
    public int TrainedContextLength => Info.ContextLength;

    /// <summary>The context size of the generation context, in tokens (0 for an embedding-only model).</summary>
    public int ContextSize => _engine?.Settings.ContextSize ?? 0;

    /// <summary>True for an embedding model (<c>gemma-embedding</c>), which has no generation context.</summary>
    public bool IsEmbeddingModel => Info.IsEmbeddingModel;

    /// <summary>Tokens in the vocabulary.</summary>
    public int VocabularySize => Tokenizer.VocabularySize;

    /// <summary>Width of the model's hidden state (and of its embeddings).</summary>
    public int EmbeddingLength => Info.EmbeddingLength;

    /// <summary>The weights' quantization as llama.cpp names it (for example <c>Q4_0</c> or <c>F16</c>).</summary>
    public string Quantization => Info.Quantization;

    /// <summary>Size of the GGUF file in bytes.</summary>
    public long FileSizeBytes => Info.FileLength;

    /// <summary>
    /// The file's llama.cpp file type (<c>general.file_type</c>) as a <see cref="Gemma4QuantizationType"/>; null when the file
    /// does not say or uses a type outside that list (<see cref="Quantization"/> still names it).
    /// </summary>
    public Gemma4QuantizationType? QuantizationType =>
        Info.FileType is { } fileType && Enum.IsDefined(typeof(Gemma4QuantizationType), (int)fileType) ? (Gemma4QuantizationType)fileType : null;

    /// <summary>The projector ("mmproj") file loaded with the model, or null for a text-only model.</summary>
    public string? ProjectorPath => _projector?.Info.FilePath;

    /// <summary>Whether the model takes images: a projector with a vision encoder is loaded.</summary>
    public bool SupportsImages => _projector?.SupportsImages == true;

    /// <summary>Whether the model takes audio: a projector with an audio encoder is loaded (Gemma 4 E2B/E4B).</summary>
    public bool SupportsAudio => _projector?.SupportsAudio == true;

    /// <summary>The compute devices available when the model was loaded (layers go to GPUs when <see cref="Gemma4ModelOptions.GpuLayerCount"/> is not 0).</summary>
    public IReadOnlyList<Gemma4Device> Devices { get; private init; } = [];

    /// <summary>Which official chat-template variant renders prompts for this model.</summary>
    public Gemma4TemplateVariant TemplateVariant { get; }

    /// <summary>The model's own copy of its options, for this assembly's readers (never handed out).</summary>
    internal Gemma4ModelOptions LoadedOptions { get; }

    internal Gemma4ModelInfo Info { get; }

    internal Gemma4Tokenizer Tokenizer { get; }

    internal InferenceEngine Engine => _engine ?? throw new InvalidOperationException(
        $"{ModelId} is an embedding model ({Info.Architecture}); it cannot generate text. Use Gemma4EmbeddingGenerator.");

    internal ILoggerFactory LoggerFactory { get; }

    /// <summary>The loaded projector, or null.</summary>
    internal MediaProjector? Projector => _projector;

    internal LLamaWeights Weights => _weights;

    /// <summary>Loads a model.</summary>
    /// <param name="options">What to load and how; validated first.</param>
    /// <param name="loggerFactory">Receives load, cache and llama.cpp log messages.</param>
    /// <param name="progress">Receives load progress from 0 to 1.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <exception cref="ArgumentException">
    /// An option is invalid, or does not suit the model: <see cref="Gemma4ModelOptions.ContextSize"/> beyond the model's
    /// trained context or, on the CPU, beyond what the machine's memory holds.
    /// </exception>
    /// <exception cref="Gemma4ModelLoadException">
    /// The file is missing, not a GGUF, truncated, not Gemma 4, or llama.cpp refused it (the message gives llama.cpp's
    /// reason); nothing stays loaded.
    /// </exception>
    public static async Task<Gemma4Model> LoadAsync(
        Gemma4ModelOptions options,
        ILoggerFactory? loggerFactory = null,
        IProgress<float>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<Gemma4Model>();
        NativeLogging.EnsureConfigured();
        if (loggerFactory is not NullLoggerFactory)
        {
            // llama.cpp's log callback is process-wide: the most recently loaded model's factory receives it.
            NativeLogging.Logger = loggerFactory.CreateLogger("Gemma4.AI.LlamaCpp");
        }

        foreach (var module in options.BackendModules)
        {
            Gemma4Backends.LoadModule(module);
        }

        var devices = Gemma4Backends.Devices();
        if (options.GpuLayerCount != 0 && !devices.Any(d => d.IsGpu))
        {
            throw new Gemma4ModelLoadException(options.ModelPath,
                $"GpuLayerCount is {options.GpuLayerCount} but no GPU backend is available (devices: {string.Join(", ", devices.Select(d => d.Name))}). " +
                "Build with -p:Gemma4Backend=Cuda12 for NVIDIA GPUs, load a ggml backend module with Gemma4ModelOptions.BackendModules, " +
                "or set GpuLayerCount = 0 to run on the CPU.");
        }

        var info = Gemma4GgufPreflight.Validate(options.ModelPath);
        options.ValidateFor(info, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        var projectorInfo = PreflightProjector(options, info);
        var parameters = ToModelParams(options, info);

        LLamaWeights weights;
        using (var capture = NativeErrorCapture.StartAnyThread()) // LLamaSharp loads on a thread of its own
        {
            try
            {
                weights = await LLamaWeights.LoadFromFileAsync(parameters, cancellationToken, progress).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception ex) when (ex is LLama.Exceptions.RuntimeError or LLama.Exceptions.LoadWeightsFailedException)
            {
                throw new Gemma4ModelLoadException(options.ModelPath, $"llama.cpp could not load the weights: {capture.Describe(ex.Message)}", ex);
            }
        }

        SafeLLamaContextHandle? context = null;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Embedding models get their contexts from Gemma4EmbeddingGenerator; only generative models get a decode loop.
            context = info.IsEmbeddingModel ? null : CreateContext(weights, parameters, options.ModelPath);
            var model = new Gemma4Model(options, info, weights, context, loggerFactory) { Devices = devices.ToList().AsReadOnly() };
            if (projectorInfo is not null)
            {
                try
                {
                    model.AttachProjector(projectorInfo, logger);
                }
                catch
                {
                    model.Dispose();
                    throw;
                }
            }

            if (info.IsEmbeddingModel)
            {
                Log.LoadedForEmbeddings(logger, model.ModelId, info.Architecture, info.Quantization, info.EmbeddingLength);
            }
            else
            {
                Log.Loaded(logger, model.ModelId, info.Architecture, info.Quantization, model.ContextSize, options.MaxParallelSequences);
            }
            return model;
        }
        catch
        {
            // Every failure path frees what was made: a context holds a reference that keeps the weights alive.
            context?.Dispose();
            weights.Dispose();
            throw;
        }
    }

    /// <summary>Loads a model synchronously; see <see cref="LoadAsync"/>.</summary>
    public static Gemma4Model Load(Gemma4ModelOptions options, ILoggerFactory? loggerFactory = null) =>
        LoadAsync(options, loggerFactory).GetAwaiter().GetResult();

    /// <summary>Counts the tokens of plain text (no control tokens are recognised in it).</summary>
    /// <exception cref="ObjectDisposedException">The model is disposed.</exception>
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var lease = AcquireNative();
        return Tokenizer.TokenizeContent(text).Length;
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> once the model is disposed.</summary>
    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>
    /// Holds the weights for native calls on the caller's thread (the tokenizer and grammar samplers use raw pointers
    /// into them); throws <see cref="ObjectDisposedException"/> once the model is disposed.
    /// </summary>
    internal NativeLease AcquireNative()
    {
        ThrowIfDisposed();
        var added = false;
        try
        {
            _weights.NativeHandle.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            throw new ObjectDisposedException(GetType().FullName, $"{ModelId} has been disposed.");
        }

        return new NativeLease(_weights.NativeHandle);
    }

    /// <summary>Disposes <paramref name="dependent"/> (an engine whose context uses these weights) before the weights are freed.</summary>
    /// <exception cref="ObjectDisposedException">The model is disposed.</exception>
    internal void AddDependent(IDisposable dependent)
    {
        lock (_dependents)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            _dependents.Add(dependent);
        }
    }

    /// <summary>Forgets a dependent that its owner disposes itself.</summary>
    internal void RemoveDependent(IDisposable dependent)
    {
        lock (_dependents)
        {
            _dependents.Remove(dependent);
        }
    }

    /// <summary>
    /// Stops the decode loops of the model and of the embedding generators over it (running requests fail with
    /// <see cref="ObjectDisposedException"/>, as does every later call) and frees native memory.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        IDisposable[] dependents;
        lock (_dependents)
        {
            dependents = [.. _dependents];
            _dependents.Clear();
        }

        // Their contexts were made from these weights: they go first.
        foreach (var dependent in dependents)
        {
            dependent.Dispose();
        }

        _engine?.Dispose();
        _context?.Dispose();
        _projector?.Dispose(); // after the decode loop that encodes with it, before the weights it was made for
        FreeAllAdapters(); // after the context that used them, before the weights they were made for
        _weights.Dispose();
        NativeHeap.Trim(); // the allocator keeps what llama.cpp freed unless asked to return it
    }

    /// <summary>Checks the projector file (if any) against the model before anything is loaded.</summary>
    private static ProjectorInfo? PreflightProjector(Gemma4ModelOptions options, Gemma4ModelInfo info)
    {
        if (string.IsNullOrWhiteSpace(options.ProjectorPath))
        {
            return null;
        }

        if (info.IsEmbeddingModel)
        {
            throw new Gemma4ModelLoadException(options.ModelPath,
                $"is an embedding model ({info.Architecture}); it cannot take a projector (ProjectorPath '{options.ProjectorPath}')");
        }

        var projector = ProjectorPreflight.Validate(options.ProjectorPath, info.EmbeddingLength, options.EffectiveImageMaxTokens);
        if (projector.Vision is not null && options.EffectiveImageMaxTokens > options.MicroBatchSize)
        {
            // Image embeddings are decoded with causal attention off, and llama.cpp aborts when they span micro-batches.
#pragma warning disable CA2208 // The bad value is the option, named as Validate names options.
            throw new ArgumentOutOfRangeException(nameof(Gemma4ModelOptions.MicroBatchSize), options.MicroBatchSize,
                $"Gemma4ModelOptions.MicroBatchSize ({options.MicroBatchSize}) must be at least ImageMaxTokens ({options.EffectiveImageMaxTokens}): "
                + "an image is decoded in one micro-batch. Raise MicroBatchSize (and BatchSize) or lower ImageMaxTokens.");
#pragma warning restore CA2208
        }

        return projector;
    }

    /// <summary>Loads the preflighted projector once the vocabulary shows the media control tokens it needs.</summary>
    private void AttachProjector(ProjectorInfo info, ILogger logger)
    {
        // mtmd tokenizes "<|image>" and friends with special parsing: missing or plain-text tokens would silently become
        // several text pieces around every image, and the template's placeholders would not be found.
        var needed = new List<string>();
        if (info.Vision is not null)
        {
            needed.AddRange([Gemma4Tokens.Image, Gemma4Tokens.ImageStart, Gemma4Tokens.ImageEnd]);
        }

        if (info.Audio is not null)
        {
            needed.AddRange([Gemma4Tokens.Audio, Gemma4Tokens.AudioStart, Gemma4Tokens.AudioEnd]);
        }

        var missing = needed.Where(t => Tokenizer.SpecialTokenId(t) < 0).ToList();
        if (missing.Count > 0)
        {
            throw new Gemma4ModelLoadException(ModelPath,
                $"the vocabulary lacks the media control token(s) {string.Join(", ", missing)} that the projector {info.FilePath} needs; "
                + "is this a Gemma 4 model?");
        }

        var threads = LoadedOptions.Threads ?? Environment.ProcessorCount;
        _projector = MediaProjector.Load(info, _weights.NativeHandle, threads, LoadedOptions.GpuLayerCount != 0,
            LoadedOptions.EffectiveImageMinTokens, LoadedOptions.EffectiveImageMaxTokens, Engine.AbortData);
        Engine.AttachProjector(_projector);
        Log.ProjectorLoaded(logger, info.FilePath, SupportsImages, SupportsAudio);
    }

    internal static Gemma4TemplateVariant DetectVariant(Gemma4ModelInfo info)
    {
        // The large-model template opens an empty thought channel in the generation prompt; E2B/E4B's does not.
        if (info.ChatTemplate is { Length: > 0 } template && template.Contains("<|turn>", StringComparison.Ordinal))
        {
            return template.Contains("'<|channel>thought\\n<channel|>'", StringComparison.Ordinal)
                ? Gemma4TemplateVariant.Large
                : Gemma4TemplateVariant.Small;
        }

        // Without a template: E2B/E4B are the sizes with per-layer embeddings.
        return info.EmbeddingLengthPerLayer > 0 ? Gemma4TemplateVariant.Small : Gemma4TemplateVariant.Large;
    }

    /// <summary>The llama.cpp model and context parameters for <paramref name="o"/> (also used by the benchmark to build a second, identical context).</summary>
    internal static ModelParams ToModelParams(Gemma4ModelOptions o, Gemma4ModelInfo info)
    {
        var threads = o.Threads ?? Environment.ProcessorCount;
        var quantizedV = Gemma4ModelOptions.IsQuantized(o.ValueCacheType);
        return new ModelParams(o.ModelPath)
        {
            ContextSize = (uint)o.ContextSize,
            BatchSize = (uint)o.BatchSize,
            UBatchSize = (uint)o.MicroBatchSize,
            SeqMax = (uint)o.MaxParallelSequences,
            Threads = threads,
            BatchThreads = o.BatchThreads ?? threads,
            GpuLayerCount = o.GpuLayerCount < 0 ? info.BlockCount + 1 : o.GpuLayerCount,
            MainGpu = o.MainGpu,
            SplitMode = o.SplitMode switch
            {
                Gemma4GpuSplitMode.None => GPUSplitMode.None,
                Gemma4GpuSplitMode.Row => GPUSplitMode.Row,
                _ => GPUSplitMode.Layer,
            },
            FlashAttention = quantizedV || o.FlashAttention == Gemma4FlashAttention.Enabled ? true
                : o.FlashAttention == Gemma4FlashAttention.Disabled ? false
                : null,
            TypeK = ToGgml(o.KeyCacheType),
            TypeV = ToGgml(o.ValueCacheType),
            SwaFull = o.SwaFull,
            KVUnified = true,
            LoadMode = o.UseMemoryMap ? LLamaLoadMode.MemoryMap : LLamaLoadMode.None,
            Embeddings = false,
        };
    }

    private static GGMLType ToGgml(Gemma4KvCacheType type) => type switch
    {
        Gemma4KvCacheType.Q8_0 => GGMLType.GGML_TYPE_Q8_0,
        Gemma4KvCacheType.Q4_0 => GGMLType.GGML_TYPE_Q4_0,
        Gemma4KvCacheType.F32 => GGMLType.GGML_TYPE_F32,
        _ => GGMLType.GGML_TYPE_F16,
    };

    /// <summary>Creates the generation context; on failure nothing holds the weights and the message gives llama.cpp's reason.</summary>
    internal static SafeLLamaContextHandle CreateContext(LLamaWeights weights, ModelParams parameters, string modelPath)
    {
        parameters.ToLlamaContextParams(out var contextParams);
        return NativeContext.Create(weights.NativeHandle, contextParams, (reason, inner) => new Gemma4ModelLoadException(modelPath,
            $"llama.cpp could not create a context of {parameters.ContextSize} tokens and {parameters.SeqMax} sequences: {reason}", inner));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Loaded {ModelId} ({Architecture}, {Quantization}) with a {ContextSize}-token context and {Sequences} parallel sequences.")]
        public static partial void Loaded(ILogger logger, string modelId, string architecture, string quantization, int contextSize, int sequences);

        // An embedding model has no generation context: its contexts belong to each Gemma4EmbeddingGenerator.
        [LoggerMessage(2, LogLevel.Information, "Loaded {ModelId} ({Architecture}, {Quantization}) for {Dimensions}-dimensional embeddings.")]
        public static partial void LoadedForEmbeddings(ILogger logger, string modelId, string architecture, string quantization, int dimensions);

        [LoggerMessage(3, LogLevel.Information, "Loaded the projector {ProjectorPath} (images: {Images}, audio: {Audio}).")]
        public static partial void ProjectorLoaded(ILogger logger, string projectorPath, bool images, bool audio);
    }
}
