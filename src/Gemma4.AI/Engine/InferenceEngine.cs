using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Gemma4.AI.Native;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gemma4.AI.Engine;

/// <summary>
/// Owns one llama.cpp context and the single thread that decodes it. Concurrent requests become sequences of that
/// context and are decoded together (continuous batching); a finished sequence keeps its KV cells so a later request
/// with the same prefix decodes only its new suffix.
/// </summary>
/// <remarks>
/// Each step builds one batch: the next token of every generating sequence, then prompt chunks of sequences that are
/// still prefilling (chunked, so a long prompt never freezes other streams), decodes it once, and samples each
/// sequence with its own sampler chain.
/// </remarks>
internal sealed partial class InferenceEngine : EngineLoop
{
    // KV cells a request should have free beyond its prompt when admitted, so it can generate before room runs out.
    private const int GenerationReserve = 128;

    private readonly SafeLLamaContextHandle _context;
    private readonly Gemma4Tokenizer _tokenizer;
    private readonly EngineSettings _settings;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<ActiveGeneration> _incoming = new();
    private readonly List<ActiveGeneration> _waiting = [];
    private readonly List<ActiveGeneration> _active = [];
    private readonly SequencePool _pool;
    private readonly PersistentPrefixCache? _prefixCache;
    private readonly NativeBatch _batch;
    private readonly SemaphoreSlim _capacity;
    private readonly CancellationTokenSource _stopping = new();
    private readonly byte[] _pieceBuffer = new byte[256];
    private readonly TokenSampler _sampler;
    private long _finished;
    private volatile Exception? _stopped;
    private bool _abortArmed;

    public InferenceEngine(SafeLLamaContextHandle context, Gemma4Tokenizer tokenizer, EngineSettings settings, ILogger? logger = null, PersistentPrefixCache? prefixCache = null)
        : base("Gemma4 decode loop")
    {
        _prefixCache = prefixCache;
        _context = context;
        _tokenizer = tokenizer;
        _settings = settings;
        _logger = logger ?? NullLogger.Instance;
        _pool = new SequencePool(LlamaNative.GetMemory(context), settings, _logger);
        _capacity = new SemaphoreSlim(settings.MaxSequences + settings.MaxQueued);
        _batch = new NativeBatch(settings.BatchSize);
        _sampler = new TokenSampler(tokenizer.VocabularySize, tokenizer.ByteTokens);
        StartLoop();
    }

    public EngineSettings Settings => _settings;

    public Gemma4Tokenizer Tokenizer => _tokenizer;

    /// <summary>Queues a request and streams its output; cancelling the token (or abandoning the stream) frees its sequence.</summary>
    /// <remarks>The request's media are disposed when it leaves the engine, or here if it never reaches the decode loop.</remarks>
    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var queued = new StrongBox<bool>();
        try
        {
            ObjectDisposedException.ThrowIf(IsDisposing, this);
            ThrowIfStopped();
            if (request.PromptTokens.Length >= _settings.ContextSize)
            {
                throw new Gemma4ContextOverflowException(request.PromptTokens.Length, _settings.ContextSize);
            }

            if (!request.Media.IsEmpty && _projector is null)
            {
                throw new InvalidOperationException("The request has media but the model has no projector.");
            }

            using var adapterLease = request.Adapters.Acquire(); // its adapters stay loaded until the request has left the engine

            // Back-pressure: at most MaxSequences running plus MaxQueued waiting.
            if (_settings.RejectWhenFull)
            {
                if (!_capacity.Wait(0, cancellationToken))
                {
                    throw new Gemma4QueueFullException(_settings.MaxSequences + _settings.MaxQueued);
                }
            }
            else if (!_capacity.Wait(0, cancellationToken))
            {
                await WaitForPlaceAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await foreach (var update in RunAsync(request, queued, cancellationToken).ConfigureAwait(false))
                {
                    yield return update;
                }
            }
            finally
            {
                _capacity.Release();
            }
        }
        finally
        {
            if (!queued.Value)
            {
                request.Media.Dispose(); // the decode loop never saw it
            }
        }
    }

    /// <summary>Waits for a place in the queue; throws what the loop stopped with if it stops meanwhile.</summary>
    private async Task WaitForPlaceAsync(CancellationToken cancellationToken)
    {
        // A waiter is not a request the loop knows of: only cancelling _stopping wakes it when the loop ends.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        try
        {
            await _capacity.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfStopped();
            throw;
        }
    }

    private async IAsyncEnumerable<GenerationUpdate> RunAsync(GenerationRequest request, StrongBox<bool> queued, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var generation = new ActiveGeneration(request);
        using var cancelOnExit = cancellationToken.UnsafeRegister(
            static state =>
            {
                var (engine, g) = ((InferenceEngine, ActiveGeneration))state!;
                engine.Cancel(g);
            },
            (this, generation));

        _incoming.Enqueue(generation);
        queued.Value = true; // from here the loop (or FailIncoming) disposes it
        Interlocked.MemoryBarrier(); // the read of _stopped below must not pass the enqueue (see OnStopped)
        Wake();
        if (_stopped is { } stopped)
        {
            FailIncoming(stopped); // the loop exited between the check above and the enqueue
        }

        try
        {
            while (await generation.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (generation.Reader.TryRead(out var update))
                {
                    // Updates buffered before a cancellation are not delivered after it.
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return update;
                }
            }
        }
        finally
        {
            // Abandoned or cancelled streams release their sequence; finished ones ignore this.
            Cancel(generation);
        }
    }

    private void ThrowIfStopped()
    {
        if (_stopped is { } stopped)
        {
            throw stopped is ObjectDisposedException disposed
                ? new ObjectDisposedException(disposed.ObjectName, disposed.Message)
                : new InvalidOperationException("The model's decode loop stopped after an error; load the model again.", stopped);
        }
    }

    private void FailIncoming(Exception error)
    {
        while (_incoming.TryDequeue(out var g))
        {
            g.Fail(error);
            g.Dispose();
        }
    }

    private void Cancel(ActiveGeneration generation)
    {
        if (generation.IsFinished || !generation.RequestCancel())
        {
            return;
        }

        // Abort the running decode only when this request owns most of it; otherwise it ends within one step.
        if (generation.TokensInBatch > 0 && generation.TokensInBatch * 2 > _batch.Count)
        {
            Abort.Set();
        }

        Wake();
    }

    protected override bool Prepare()
    {
        FreeRetiredAdapters();
        Admit();
        ReleaseCancelled();
        return _active.Count > 0;
    }

    protected override void OnStopped(Exception error, bool failed)
    {
        if (failed)
        {
            Log.DecodeLoopFailed(_logger, error);
        }

        // A full fence, not a volatile write (which a later read may pass): either FailAll sees a request RunAsync
        // enqueued, or RunAsync sees the flag after its enqueue.
        Interlocked.Exchange(ref _stopped, error);
        FailAll(error);

        // Wakes callers waiting for a queue place, after _stopped is set (they throw it); CancelAsync runs their
        // continuations off this thread.
        _ = _stopping.CancelAsync();
    }

    protected override ObjectDisposedException DisposedError() =>
        new(nameof(Gemma4Model), "The model was disposed while the request was running.");

    protected override void DisposeResources()
    {
        _batch.Dispose();
        _embeddingBatch?.Dispose();
        _sampler.Dispose();

        // _capacity and _stopping stay: streams still release their place after disposal, and late callers still wait
        // on (and see the cancellation of) _stopping. Neither holds a kernel handle unless one is asked for.
    }

    private void FailAll(Exception error)
    {
        while (_incoming.TryDequeue(out var g))
        {
            _waiting.Add(g);
        }

        foreach (var g in _active.Concat(_waiting))
        {
            g.Fail(error);
            g.Dispose();
        }

        _active.Clear();
        _waiting.Clear();
    }

    private void Admit()
    {
        while (_incoming.TryDequeue(out var g))
        {
            g.Pending = g.Request.PromptTokens;
            _waiting.Add(g);
        }

        for (var i = 0; i < _waiting.Count; i++)
        {
            var g = _waiting[i];
            if (g.CancelRequested)
            {
                g.Fail(new OperationCanceledException());
                g.Dispose();
                _waiting.RemoveAt(i--);
                continue;
            }

            if (g.ResumeAfter == _finished && _active.Count > 0)
            {
                return; // preempted: wait until a running request ends, so preemption cannot repeat without progress
            }

            if (_pool.Plan(g.Pending, g.Request.Adapters, g.Request.Media) is not { } plan)
            {
                return; // every sequence is busy; keep FIFO order
            }

            if (g.Request.Adapters.IsEmpty)
            {
                plan = RestoreFromDisk(plan, g.Pending); // saved states hold the base model's KV only
            }

            if (!HasRoomFor(g.Pending.Length - plan.Reuse + GenerationReserve, plan) && _active.Count > 0)
            {
                return; // wait until running requests free their cells; alone, it is admitted anyway
            }

            if (g.Sampler is null)
            {
                try
                {
                    g.Sampler = SamplerChainFactory.Create(g.Request.Sampling, _tokenizer);
                }
#pragma warning disable CA1031 // A bad request fails alone; the loop continues.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    g.Fail(ex);
                    g.Dispose();
                    _waiting.RemoveAt(i--);
                    continue;
                }
            }

            _waiting.RemoveAt(i--);
            var reuse = _pool.Acquire(plan, g);
            g.Slot = plan.Slot;
            g.PendingOffset = reuse;
            if (g.AdmittedAt == 0)
            {
                // Usage reports the first admission; a preempted request admitted again keeps these.
                g.CachedPromptTokens = reuse;
                g.AdmittedAt = Stopwatch.GetTimestamp();
            }

            Log.Admitted(_logger, plan.Slot.Id, g.Pending.Length, reuse);
            _active.Add(g);
        }
    }

    /// <summary>
    /// Loads a saved prefix into the planned sequence when it covers much more of the prompt than memory does and the
    /// context has room for the whole prompt there (or the request is alone); otherwise the plan stays as it was.
    /// </summary>
    private SlotPlan RestoreFromDisk(SlotPlan plan, int[] prompt)
    {
        if (_prefixCache?.FindLongest(prompt) is not { } hit || hit.Length < plan.Reuse + _prefixCache.MinTokens)
        {
            return plan;
        }

        // Restoring replaces the sequence's cells, so it needs the room of a prompt decoded there from scratch. Checked
        // (evicting idle prefixes, as admission does) before reading the file: llama.cpp refuses a state it has no
        // cells for, and a request waiting for room would otherwise load the file again at every step.
        var fresh = plan with { Reuse = 0, ForkFrom = null };
        if (!HasRoomFor(prompt.Length + GenerationReserve, fresh) && _active.Count > 0)
        {
            return plan;
        }

        _pool.Clear(plan.Slot);
        if (!_prefixCache.TryRestore(hit.Entry, _context, plan.Slot.Id))
        {
            _pool.Clear(plan.Slot); // whatever part of the state llama.cpp took before refusing it
            return fresh;
        }

        _pool.Restored(plan.Slot, hit.Entry.Tokens);
        return fresh with { Reuse = hit.Length };
    }

    /// <summary>Evicts idle cached prefixes until <paramref name="cells"/> cells are free for a plan; false if impossible.</summary>
    private bool HasRoomFor(int cells, SlotPlan plan)
    {
        // Cells in use (the plan's target keeps only what it reuses), plus what running requests will still fill.
        var promised = _active.Sum(g => g.PendingCount + (g.IsGenerating ? 1 : 0) + GenerationReserve);
        int Free() => _settings.ContextSize - promised - _pool.UsedCells + (plan.ForkFrom is null ? plan.Slot.OwnCells - plan.Reuse : plan.Slot.OwnCells);
        while (Free() < cells)
        {
            if (!_pool.EvictIdle(except: plan.ForkFrom is null ? plan.Slot : null))
            {
                return false;
            }
        }

        return true;
    }

    private void ReleaseCancelled()
    {
        for (var i = 0; i < _active.Count; i++)
        {
            var g = _active[i];
            if (g.CancelRequested)
            {
                g.Fail(new OperationCanceledException());
                Release(g);
                _active.RemoveAt(i--);
            }
        }
    }

    private void Release(ActiveGeneration g)
    {
        _finished++;
        if (g.Slot is { } slot)
        {
            _pool.Release(slot);
        }

        g.Dispose();
    }

    protected override void Step()
    {
        BeginAdapterStep();
        if (NextMediaStep() is var (media, span))
        {
            DecodeMedia(media, span);
            return;
        }

        _lastStepWasMedia = false;
        FillBatch();
        ArmAbort();
        Abort.Reset();
        if (IsDisposing)
        {
            return;
        }

        var result = (DecodeResult)LlamaNative.Decode(_context, _batch.ToNative());
        if (result == DecodeResult.Ok)
        {
            Commit();
            SampleAll();
        }
        else
        {
            if (result == DecodeResult.ComputeAborted)
            {
                Log.DecodeAborted(_logger, _batch.Count);
            }

            Recover(result, $"a batch of {_batch.Count} tokens");
        }

        foreach (var g in _active)
        {
            g.TokensInBatch = 0;
            g.LogitsIndex = -1;
        }
    }

    /// <summary>
    /// Installs the abort callback for decodes that carry prompt chunks and removes it for generation steps (one token
    /// per sequence). llama.cpp calls it after every graph node, a native-to-managed transition each (about 0.3% of a
    /// token's time on the E2B shape), and a generation step ends soon enough for cancellation to wait for it.
    /// </summary>
    private unsafe void ArmAbort()
    {
        var sequences = 0;
        foreach (var g in _active)
        {
            sequences += g.TokensInBatch > 0 ? 1 : 0;
        }

        var arm = _batch.Count > sequences;
        if (arm != _abortArmed)
        {
            LlamaNative.SetAbortCallback(_context, arm ? AbortSignal.Callback : null, arm ? Abort.Data : IntPtr.Zero);
            _abortArmed = arm;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Sequence {Slot}: admitted a prompt of {PromptTokens} tokens, {CachedTokens} reused from the cache.")]
        public static partial void Admitted(ILogger logger, int slot, int promptTokens, int cachedTokens);

        [LoggerMessage(2, LogLevel.Debug, "Sequence {Slot}: finished ({Reason}) after {OutputTokens} tokens.")]
        public static partial void Finished(ILogger logger, int slot, StopReason reason, int outputTokens);

        [LoggerMessage(3, LogLevel.Debug, "A decode of {BatchTokens} tokens was aborted for a cancelled request.")]
        public static partial void DecodeAborted(ILogger logger, int batchTokens);

        [LoggerMessage(6, LogLevel.Information, "Context full: preempted the request on sequence {Slot}; its {Tokens} tokens are decoded again when there is room.")]
        public static partial void Preempted(ILogger logger, int slot, int tokens);

        [LoggerMessage(7, LogLevel.Error, "A decode failed; the requests in that batch were failed.")]
        public static partial void DecodeFailed(ILogger logger, Exception exception);

        [LoggerMessage(5, LogLevel.Error, "The decode loop failed; all running requests were failed.")]
        public static partial void DecodeLoopFailed(ILogger logger, Exception exception);
    }
}
