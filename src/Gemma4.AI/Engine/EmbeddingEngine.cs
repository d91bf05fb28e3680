using System.Collections.Concurrent;
using Gemma4.AI.Native;
using LLama;
using LLama.Common;
using LLama.Extensions;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gemma4.AI.Engine;

/// <summary>
/// Owns one persistent llama.cpp embedding context and the thread that decodes it. Inputs of all concurrent requests
/// are packed into shared decodes (one sequence per input, up to the batch's tokens and sequences), and llama.cpp's
/// pooled vector of each sequence is read back with llama_get_embeddings_seq.
/// </summary>
/// <remarks>
/// Every input lies entirely inside one decode, and a decode never exceeds n_ubatch: a non-causal model (EmbeddingGemma)
/// asserts, killing the process, when a batch exceeds n_ubatch, and a pooled sequence split over two micro-batches
/// would be pooled over its last part only. Requests take turns filling a batch, so a small request is not stuck behind
/// a large one. The cache holds nothing between decodes.
/// </remarks>
internal sealed partial class EmbeddingEngine : EngineLoop
{
    private const int DecodeOk = 0;
    private const int DecodeAborted = 2;

    private readonly SafeLLamaContextHandle _context;
    private readonly EmbeddingEngineSettings _settings;
    private readonly ILogger _logger;
    private readonly IntPtr _memory;
    private readonly ConcurrentQueue<EmbeddingRequest> _incoming = new();
    private readonly List<EmbeddingRequest> _active = [];
    private readonly List<(EmbeddingRequest Request, int Index)> _entries = [];
    private readonly NativeBatch _batch;
    private int _rotation;
    private long _decodeCount;
    private volatile bool _stopped;

    private EmbeddingEngine(SafeLLamaContextHandle context, EmbeddingEngineSettings settings, int embeddingLength, ILogger logger)
        : base("Gemma4 embedding loop")
    {
        _context = context;
        _settings = settings;
        _logger = logger;
        EmbeddingLength = embeddingLength;
        _memory = LlamaNative.GetMemory(context);
        _batch = new NativeBatch(settings.BatchSize);
        unsafe
        {
            LlamaNative.SetAbortCallback(context, AbortSignal.Callback, Abort.Data);
        }

        StartLoop();
    }

    public EmbeddingEngineSettings Settings => _settings;

    /// <summary>Width of the vectors llama.cpp returns.</summary>
    public int EmbeddingLength { get; }

    /// <summary>How many llama_decode calls ran (for tests and diagnostics).</summary>
    public long DecodeCount => Interlocked.Read(ref _decodeCount);

    /// <summary>Creates an embedding context over <paramref name="weights"/> and starts its loop.</summary>
    /// <exception cref="InvalidOperationException">llama.cpp could not create the context.</exception>
    public static EmbeddingEngine Create(LLamaWeights weights, string modelPath, EmbeddingEngineSettings settings, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Pooling is LLamaPoolingType.None or LLamaPoolingType.Unspecified or LLamaPoolingType.Rank)
        {
            // Without a pooled vector llama_get_embeddings_seq returns null: never create such a context.
            throw new ArgumentException($"Pooling {settings.Pooling} does not give one vector per sequence.", nameof(settings));
        }

        var parameters = new ModelParams(modelPath)
        {
            // Nothing stays cached between decodes: the KV cache (causal models only) just holds one batch.
            ContextSize = (uint)settings.BatchSize,
            BatchSize = (uint)settings.BatchSize,
            UBatchSize = (uint)settings.BatchSize,
            SeqMax = (uint)settings.MaxSequences,
            Threads = settings.Threads,
            BatchThreads = settings.Threads,
            Embeddings = true,
            PoolingType = settings.Pooling,
            FlashAttention = settings.FlashAttention,
            TypeK = GGMLType.GGML_TYPE_F16,
            TypeV = GGMLType.GGML_TYPE_F16,
            SwaFull = false,
            KVUnified = true,
        };
        parameters.ToLlamaContextParams(out var contextParams);
        var context = NativeContext.Create(weights.NativeHandle, contextParams, (reason, inner) => new InvalidOperationException(
            $"llama.cpp could not create an embedding context of {settings.BatchSize} tokens and {settings.MaxSequences} sequences: {reason}", inner));

        try
        {
            var pooling = (LLamaPoolingType)LlamaNative.ContextPoolingType(context);
            if (pooling != settings.Pooling)
            {
                throw new InvalidOperationException($"llama.cpp created the embedding context with pooling {pooling} instead of {settings.Pooling}.");
            }

            var length = LlamaNative.ModelEmbeddingLengthOut(weights.NativeHandle);
            return new EmbeddingEngine(context, settings, length, logger ?? NullLogger.Instance);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Embeds token sequences (each non-empty and at most <see cref="EmbeddingEngineSettings.BatchSize"/> long).</summary>
    /// <returns>One raw pooled vector per input, in input order.</returns>
    public Task<float[][]> EmbedAsync(int[][] inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(IsDisposing, this);
        for (var i = 0; i < inputs.Length; i++)
        {
            if (inputs[i].Length is 0 || inputs[i].Length > _settings.BatchSize)
            {
                throw new ArgumentOutOfRangeException(nameof(inputs), inputs[i].Length,
                    $"Input {i} has {inputs[i].Length} tokens; the embedding engine takes 1 to {_settings.BatchSize}.");
            }
        }

        if (inputs.Length == 0)
        {
            return Task.FromResult(Array.Empty<float[]>());
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<float[][]>(cancellationToken);
        }

        var request = new EmbeddingRequest(inputs, EmbeddingLength);
        return RunAsync(request, cancellationToken);
    }

    private async Task<float[][]> RunAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.UnsafeRegister(
            static (state, token) =>
            {
                var (engine, r) = ((EmbeddingEngine, EmbeddingRequest))state!;
                engine.Cancel(r, token);
            },
            (this, request));
        _incoming.Enqueue(request);
        Interlocked.MemoryBarrier(); // the read of _stopped must not pass the enqueue (see Stop)
        if (_stopped)
        {
            // The loop has exited (disposed): it will never see this request.
            request.Completion.TrySetException(new ObjectDisposedException(nameof(EmbeddingEngine)));
        }

        Wake();
        return await request.Completion.Task.ConfigureAwait(false);
    }

    private void Cancel(EmbeddingRequest request, CancellationToken token)
    {
        if (!request.RequestCancel())
        {
            return;
        }

        request.Completion.TrySetCanceled(token);

        // Abort the running decode only when it is mostly this request's work; otherwise let it finish.
        if (request.TokensInBatch > 0 && request.TokensInBatch * 2 > _batch.Count)
        {
            Abort.Set();
        }

        if (!_stopped)
        {
            Wake();
        }
    }

    protected override bool Prepare()
    {
        Admit();
        return _active.Count > 0;
    }

    protected override void Step()
    {
        if (Pack())
        {
            Decode();
        }
    }

    protected override void OnStopped(Exception error, bool failed)
    {
        if (failed)
        {
            Log.LoopFailed(_logger, error);
        }

        Stop(error);
    }

    protected override ObjectDisposedException DisposedError() =>
        new(nameof(EmbeddingEngine), "The embedding generator was disposed while the request was running.");

    protected override void DisposeResources()
    {
        _batch.Dispose();
        _context.Dispose();
    }

    private void Stop(Exception error)
    {
        // Set before draining, with a full fence (a volatile write could pass the drain's reads): a request enqueued
        // after the drain sees the flag and fails itself.
        Interlocked.Exchange(ref _stopped, true);
        Admit();
        foreach (var r in _active)
        {
            r.Completion.TrySetException(error);
        }

        _active.Clear();
    }

    private void Admit()
    {
        while (_incoming.TryDequeue(out var r))
        {
            _active.Add(r);
        }

        _active.RemoveAll(static r => r.IsDone || r.CancelRequested);
    }

    /// <summary>
    /// Fills the batch, the requests taking turns one input at a time, up to <see cref="EmbeddingEngineSettings.PackTokens"/>
    /// (or the first input's length, when that is longer); false when nothing was added.
    /// </summary>
    private bool Pack()
    {
        _batch.Clear();
        _entries.Clear();
        var start = _rotation++ % _active.Count;
        var budget = _settings.PackTokens;
        var added = true;
        while (added && _entries.Count < _settings.MaxSequences)
        {
            added = false;
            for (var k = 0; k < _active.Count && _entries.Count < _settings.MaxSequences; k++)
            {
                var r = _active[(start + k) % _active.Count];
                if (r.CancelRequested || !r.TryPeek(out var index))
                {
                    continue;
                }

                var tokens = r.Inputs[index];
                if (_entries.Count == 0)
                {
                    budget = Math.Max(budget, tokens.Length);
                }
                else if (_batch.Count + tokens.Length > budget)
                {
                    // A request whose next input does not fit waits for the next batch, keeping its own order.
                    continue;
                }

                r.Take();
                var sequence = _entries.Count;
                for (var p = 0; p < tokens.Length; p++)
                {
                    _batch.Add(tokens[p], p, sequence, logits: true);
                }

                r.TokensInBatch += tokens.Length;
                _entries.Add((r, index));
                added = true;
            }
        }

        return _entries.Count > 0;
    }

    private unsafe void Decode()
    {
        Abort.Reset();
        if (IsDisposing)
        {
            return;
        }

        var result = LlamaNative.Decode(_context, _batch.ToNative());
        Interlocked.Increment(ref _decodeCount);
        try
        {
            if (result == DecodeOk)
            {
                for (var s = 0; s < _entries.Count; s++)
                {
                    var (request, index) = _entries[s];
                    var pooled = LlamaNative.GetEmbeddingsSeq(_context, s);
                    if (pooled == null)
                    {
                        throw new InvalidOperationException($"llama.cpp returned no pooled embedding for sequence {s} of a decode of {_batch.Count} tokens.");
                    }

                    if (!request.CancelRequested)
                    {
                        request.SetVector(index, new ReadOnlySpan<float>(pooled, EmbeddingLength).ToArray());
                    }
                }
            }
            else if (result == DecodeAborted)
            {
                Log.DecodeAborted(_logger, _batch.Count);
                for (var s = _entries.Count - 1; s >= 0; s--)
                {
                    _entries[s].Request.Requeue(_entries[s].Index);
                }
            }
            else
            {
                var error = new InvalidOperationException(
                    $"llama_decode failed with code {result} on a batch of {_batch.Count} tokens in {_entries.Count} sequences.");
                foreach (var (request, _) in _entries)
                {
                    request.Completion.TrySetException(error);
                }
            }
        }
        finally
        {
            foreach (var (request, _) in _entries)
            {
                request.TokensInBatch = 0;
            }

            if (_memory != IntPtr.Zero)
            {
                // Causal models (gemma4) keep the batch in their KV cache; the next batch starts every sequence at 0.
                LlamaNative.MemoryClear(_memory, data: false);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "An embedding decode of {BatchTokens} tokens was aborted for a cancelled request.")]
        public static partial void DecodeAborted(ILogger logger, int batchTokens);

        [LoggerMessage(2, LogLevel.Error, "The embedding loop failed; pending requests get the error.")]
        public static partial void LoopFailed(ILogger logger, Exception exception);
    }
}
