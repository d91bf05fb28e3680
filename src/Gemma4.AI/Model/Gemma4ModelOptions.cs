using Gemma4.AI.Formatting;

namespace Gemma4.AI;

/// <summary>How to load a Gemma 4 GGUF file and size its context.</summary>
/// <remarks>
/// Every llama.cpp setting is set explicitly from these values, because LLamaSharp's defaults differ from
/// llama.cpp's (threads, memory mapping, context size). The defaults here suit a chat service on a laptop:
/// an 8K context with room for 4 parallel sequences, memory-mapped weights, all cores.
/// </remarks>
public sealed class Gemma4ModelOptions
{
    /// <summary>Path of the GGUF file.</summary>
    public string ModelPath { get; set; } = string.Empty;

    /// <summary>
    /// Path of the projector ("mmproj") GGUF published next to the model, which lets it see images (and, for E2B/E4B, hear
    /// audio); null or empty loads the text model alone. Relative paths resolve like <see cref="ModelPath"/>. The projector
    /// is checked before llama.cpp sees it, loaded with the model (on the GPU when the model's layers are) and freed with it.
    /// </summary>
    public string? ProjectorPath { get; set; }

    /// <summary>
    /// Fewest tokens an image becomes (small images are scaled up); null uses the projector's default, 40. Gemma 4's
    /// documented budgets are 70, 140, 280, 560 and 1120.
    /// </summary>
    public int? ImageMinTokens { get; set; }

    /// <summary>
    /// Most tokens an image becomes (large images are scaled down); null uses the projector's default, 280. An image is
    /// decoded in one micro-batch, so <see cref="MicroBatchSize"/> must be at least this.
    /// </summary>
    public int? ImageMaxTokens { get; set; }

    /// <summary>
    /// Largest image, in pixels (width x height, read from the file's header before anything is decoded), that a request
    /// may send; larger ones are refused. Default 33,554,432 (32 megapixels, about 96 MB decoded).
    /// </summary>
    public long MaxImagePixels { get; set; } = 32L * 1024 * 1024;

    /// <summary>Longest audio clip, in seconds, that a request may send (25 tokens per second). Default 600.</summary>
    public int MaxAudioSeconds { get; set; } = 600;

    /// <summary>
    /// KV cache size in tokens, shared by all parallel sequences. Default 8192; at least 16 and at most the model's trained
    /// context (131072 for E2B/E4B, 262144 for larger sizes). Loading refuses a larger value, and, when the model runs on
    /// the CPU, one whose KV cache and compute buffers (<see cref="Gemma4MemoryEstimator"/>) exceed the machine's memory.
    /// </summary>
    public int ContextSize { get; set; } = 8192;

    /// <summary>Threads for generation; null uses every logical core. At most 4 × the logical processor count.</summary>
    public int? Threads { get; set; }

    /// <summary>Threads for prompt processing; null uses <see cref="Threads"/>. At most 4 × the logical processor count.</summary>
    public int? BatchThreads { get; set; }

    /// <summary>Most tokens decoded in one step (llama.cpp n_batch). Default 2048.</summary>
    public int BatchSize { get; set; } = 2048;

    /// <summary>llama.cpp's physical batch (n_ubatch). Default 512.</summary>
    public int MicroBatchSize { get; set; } = 512;

    /// <summary>
    /// Requests decoded together, each in its own sequence; also how many finished conversations stay cached for prefix
    /// reuse. Default 4; between 1 and 256, and at most <see cref="BatchSize"/> and <see cref="ContextSize"/>.
    /// </summary>
    public int MaxParallelSequences { get; set; } = 4;

    /// <summary>Requests that may wait for a sequence beyond those running (back-pressure). Default 256.</summary>
    public int MaxQueuedRequests { get; set; } = 256;

    /// <summary>What a request does when <see cref="MaxQueuedRequests"/> are already waiting. Default: wait.</summary>
    public Gemma4QueueFullBehavior QueueFullBehavior { get; set; } = Gemma4QueueFullBehavior.Wait;

    /// <summary>Layers offloaded to the GPU: 0 = none (CPU), -1 = all. Needs a GPU backend.</summary>
    public int GpuLayerCount { get; set; }

    /// <summary>The GPU that holds the model (or the first one when splitting).</summary>
    public int MainGpu { get; set; }

    /// <summary>How layers are split across GPUs.</summary>
    public Gemma4GpuSplitMode SplitMode { get; set; } = Gemma4GpuSplitMode.Layer;

    /// <summary>Flash attention; forced on when <see cref="ValueCacheType"/> is quantized.</summary>
    public Gemma4FlashAttention FlashAttention { get; set; } = Gemma4FlashAttention.Auto;

    /// <summary>Storage of the K cache.</summary>
    public Gemma4KvCacheType KeyCacheType { get; set; } = Gemma4KvCacheType.F16;

    /// <summary>Storage of the V cache; a quantized V cache turns flash attention on.</summary>
    public Gemma4KvCacheType ValueCacheType { get; set; } = Gemma4KvCacheType.F16;

    /// <summary>
    /// Keep every position in the sliding-window layers' cache (llama.cpp swa_full). Default true: any cached prefix
    /// can be reused and parallel requests can share one. Off, the sliding-window layers keep only their window (for
    /// E2B at 128K: 780 MiB of KV cache instead of 2304 MiB), and a cached prefix can be resumed only within a window of
    /// its end; one the window has dropped is decoded again (detected, never silently wrong).
    /// </summary>
    public bool SwaFull { get; set; } = true;

    /// <summary>
    /// A folder for the persistent prefix cache (opt-in; null is off). Long prompt prefixes — a document, a large system
    /// prompt with tools — are saved there as llama.cpp sequence states and restored by later requests, in this or a
    /// later process, instead of being decoded again. Files are checked (model, settings, size, SHA-256) before use.
    /// </summary>
    public string? PrefixCacheDirectory { get; set; }

    /// <summary>Prompts that decoded at least this many new tokens are saved to the prefix cache. Default 1024.</summary>
    public int PrefixCacheMinTokens { get; set; } = 1024;

    /// <summary>The prefix cache folder's size limit in bytes; least recently used entries are deleted beyond it. Default 16 GiB.</summary>
    public long PrefixCacheMaxBytes { get; set; } = 16L << 30;

    /// <summary>Memory-map the weights (fast load, shared pages). Default true.</summary>
    public bool UseMemoryMap { get; set; } = true;

    /// <summary>
    /// ggml backend modules to load before the model (for example a <c>libggml-cuda.so</c> built by
    /// scripts/build-ggml-backend.sh); see <see cref="Gemma4Backends"/>.
    /// </summary>
    public IList<string> BackendModules { get; set; } = [];

    /// <summary>Which official template variant renders prompts; null detects it from the file.</summary>
    public Gemma4TemplateVariant? TemplateVariant { get; set; }

    /// <summary>
    /// A serving engine (vLLM, llama-server, Ollama, any OpenAI-compatible server) that runs the model instead of this
    /// process; the registration is remote when its <see cref="Gemma4RemoteOptions.Endpoint"/> is set, and the other
    /// settings here are then not used. Configuration key <c>Remote</c> (for example <c>Gemma4:Remote:Endpoint</c>).
    /// </summary>
    public Gemma4RemoteOptions? Remote { get; set; }

    /// <summary>Whether <see cref="Remote"/> makes these options describe a remote engine rather than a file.</summary>
    public bool IsRemote => Remote?.IsConfigured == true;

    /// <summary>Creates a copy, so a loaded model never sees later changes.</summary>
    public Gemma4ModelOptions Clone()
    {
        var copy = (Gemma4ModelOptions)MemberwiseClone();
        copy.BackendModules = BackendModules is null ? null! : [.. BackendModules]; // null stays for Validate to name
        copy.Remote = Remote?.Clone();
        return copy;
    }

    /// <summary>Checks every value and throws an <see cref="ArgumentException"/> naming the first bad setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range or a combination would crash llama.cpp.</exception>
    public void Validate()
    {
        if (IsRemote)
        {
            Remote!.Validate(); // the in-process settings are not used
            return;
        }

        if (string.IsNullOrWhiteSpace(ModelPath))
        {
            throw new ArgumentException(
                "Gemma4ModelOptions.ModelPath is required: the path of a Gemma 4 GGUF file" +
                (Remote is null ? "." : " (or set Remote:Endpoint to use a serving engine)."), nameof(ModelPath));
        }

        Require(ContextSize >= 16, nameof(ContextSize), ContextSize, "at least 16 tokens");
        Require(ThreadLimit.IsValid(Threads), nameof(Threads), Threads, ThreadLimit.Expected("every logical processor"));
        Require(ThreadLimit.IsValid(BatchThreads), nameof(BatchThreads), BatchThreads, ThreadLimit.Expected("Threads"));
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "at least 1");
        Require(MicroBatchSize >= 1 && MicroBatchSize <= BatchSize, nameof(MicroBatchSize), MicroBatchSize, $"between 1 and BatchSize ({BatchSize})");
        Require(MaxParallelSequences is >= 1 and <= 256, nameof(MaxParallelSequences), MaxParallelSequences, "between 1 and 256");

        // Every sequence may need its logits from one decode, and llama.cpp reserves outputs for n_batch, which it caps
        // at n_ctx: it aborts the process (GGML_ASSERT n_outputs_max) when MaxParallelSequences exceeds either.
        Require(MaxParallelSequences <= BatchSize, nameof(MaxParallelSequences), MaxParallelSequences, $"at most BatchSize ({BatchSize})");
        Require(MaxParallelSequences <= ContextSize, nameof(MaxParallelSequences), MaxParallelSequences,
            $"at most ContextSize ({ContextSize}): each parallel sequence needs at least one token of the shared context");
        Require(MaxQueuedRequests >= 0, nameof(MaxQueuedRequests), MaxQueuedRequests, "0 or more");
        Require(Enum.IsDefined(QueueFullBehavior), nameof(QueueFullBehavior), QueueFullBehavior, "a Gemma4QueueFullBehavior value");
        Require(GpuLayerCount >= -1, nameof(GpuLayerCount), GpuLayerCount, "-1 (all), 0 (none) or a layer count");
        Require(MainGpu >= 0, nameof(MainGpu), MainGpu, "0 or more");
        Require(Enum.IsDefined(SplitMode), nameof(SplitMode), SplitMode, "a Gemma4GpuSplitMode value");
        Require(Enum.IsDefined(FlashAttention), nameof(FlashAttention), FlashAttention, "a Gemma4FlashAttention value");
        Require(Enum.IsDefined(KeyCacheType), nameof(KeyCacheType), KeyCacheType, "a Gemma4KvCacheType value");
        Require(Enum.IsDefined(ValueCacheType), nameof(ValueCacheType), ValueCacheType, "a Gemma4KvCacheType value");
        Require(PrefixCacheMinTokens >= 1, nameof(PrefixCacheMinTokens), PrefixCacheMinTokens, "at least 1");
        Require(PrefixCacheMaxBytes >= 1, nameof(PrefixCacheMaxBytes), PrefixCacheMaxBytes, "at least 1");
        if (BackendModules is null || BackendModules.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Gemma4ModelOptions.BackendModules must not be null or contain empty paths.", nameof(BackendModules));
        }

        Require(ImageMinTokens is null or >= 1, nameof(ImageMinTokens), ImageMinTokens, "at least 1 (or null for the projector's default)");
        Require(ImageMaxTokens is null or >= 1, nameof(ImageMaxTokens), ImageMaxTokens, "at least 1 (or null for the projector's default)");
        Require(EffectiveImageMinTokens <= EffectiveImageMaxTokens, nameof(ImageMinTokens), ImageMinTokens, $"at most ImageMaxTokens ({EffectiveImageMaxTokens})");
        Require(MaxImagePixels >= 1, nameof(MaxImagePixels), MaxImagePixels, "at least 1");
        Require(MaxAudioSeconds >= 1, nameof(MaxAudioSeconds), MaxAudioSeconds, "at least 1");

        if (IsQuantized(ValueCacheType) && FlashAttention == Gemma4FlashAttention.Disabled)
        {
            throw new ArgumentException(
                $"Gemma4ModelOptions.ValueCacheType {ValueCacheType} needs flash attention, but FlashAttention is Disabled " +
                "(llama.cpp cannot create that context). Use Auto or Enabled, or an F16 V cache.", nameof(FlashAttention));
        }
    }

    /// <summary>Fewest tokens per image, with the projector's default filled in.</summary>
    internal int EffectiveImageMinTokens => ImageMinTokens ?? Math.Min(Multimodal.ProjectorPreflight.DefaultImageMinTokens, EffectiveImageMaxTokens);

    /// <summary>Most tokens per image, with the projector's default filled in.</summary>
    internal int EffectiveImageMaxTokens => ImageMaxTokens ?? Multimodal.ProjectorPreflight.DefaultImageMaxTokens;

    /// <summary>
    /// Checks what only the model file can tell: the context against the model's trained context and, on the CPU, the
    /// predicted KV cache and compute buffers (<see cref="Gemma4MemoryEstimator"/>) against the machine's memory.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ContextSize"/> is too large for the model or the machine.</exception>
    internal void ValidateFor(Gemma4.AI.Gguf.Gemma4ModelInfo info, long availableMemoryBytes)
    {
        if (info.IsEmbeddingModel)
        {
            return; // no generation context: Gemma4EmbeddingGeneratorOptions sizes the embedding context
        }

        // llama.cpp only warns ("possible training context overflow"); Gemma 4 gives garbage past its trained context.
        Require(ContextSize <= info.ContextLength, nameof(ContextSize), ContextSize,
            $"at most the model's trained context of {info.ContextLength} tokens ({Path.GetFileName(info.FilePath)})");

        // On the CPU an allocation larger than memory either fails inside llama.cpp or, with overcommit, gets the
        // process killed when the cache is first touched: refuse it with the figures instead.
        if (GpuLayerCount == 0)
        {
            var estimate = Gemma4MemoryEstimator.Estimate(info, this);
            var needed = estimate.TotalKvCacheBytes + estimate.ComputeBytes + (UseMemoryMap ? 0 : estimate.WeightsBytes);
            Require(needed <= availableMemoryBytes, nameof(ContextSize), ContextSize,
                $"small enough to fit in memory: with these settings the model needs about {Gib(needed)} GiB " +
                $"(KV cache {Gib(estimate.TotalKvCacheBytes)} GiB, compute buffers {Gib(estimate.ComputeBytes)} GiB" +
                $"{(UseMemoryMap ? string.Empty : $", weights {Gib(estimate.WeightsBytes)} GiB")}) and this process may use {Gib(availableMemoryBytes)} GiB. " +
                "Lower ContextSize, MaxParallelSequences or MicroBatchSize, use a Q8_0 KV cache (KeyCacheType/ValueCacheType), or set SwaFull = false");
        }
    }

    private static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    internal static bool IsQuantized(Gemma4KvCacheType type) => type is Gemma4KvCacheType.Q8_0 or Gemma4KvCacheType.Q4_0;

    private static void Require(bool condition, string name, object? value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Gemma4ModelOptions.{name} must be {expected}; got {value ?? "null"}.");
        }
    }
}
