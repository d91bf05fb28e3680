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
internal sealed partial class InferenceEngine : IDisposable
{
    private readonly SafeLLamaContextHandle _context;
    private readonly Gemma4Tokenizer _tokenizer;
    private readonly EngineSettings _settings;
    private readonly ILogger _logger;
    private readonly IntPtr _memory;
    private readonly ConcurrentQueue<ActiveGeneration> _incoming = new();
    private readonly List<ActiveGeneration> _waiting = [];
    private readonly List<ActiveGeneration> _active = [];
    private readonly SequenceSlot[] _slots;
    private readonly NativeBatch _batch;
    private readonly AbortSignal _abort = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _thread;
    private readonly byte[] _pieceBuffer = new byte[256];
    private readonly TokenSampler _sampler;
    private long _clock;
    private volatile bool _disposing;
    private int _disposed;

    public InferenceEngine(SafeLLamaContextHandle context, Gemma4Tokenizer tokenizer, EngineSettings settings, ILogger? logger = null)
    {
        _context = context;
        _tokenizer = tokenizer;
        _settings = settings;
        _logger = logger ?? NullLogger.Instance;
        _memory = LlamaNative.GetMemory(context);
        _slots = Enumerable.Range(0, settings.MaxSequences).Select(i => new SequenceSlot(i)).ToArray();
        _batch = new NativeBatch(settings.BatchSize);
        _sampler = new TokenSampler(tokenizer.VocabularySize);
        unsafe
        {
            LlamaNative.SetAbortCallback(context, AbortSignal.Callback, _abort.Data);
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "Gemma4 decode loop" };
        _thread.Start();
    }

    public EngineSettings Settings => _settings;

    public Gemma4Tokenizer Tokenizer => _tokenizer;

    /// <summary>Queues a request and streams its output; cancelling the token (or abandoning the stream) frees its sequence.</summary>
    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposing, this);
        if (request.PromptTokens.Length >= _settings.ContextSize)
        {
            throw new Gemma4ContextOverflowException(request.PromptTokens.Length, _settings.ContextSize);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var generation = new ActiveGeneration(request);
        using var cancelOnExit = cancellationToken.UnsafeRegister(
            static state =>
            {
                var (engine, g) = ((InferenceEngine, ActiveGeneration))state!;
                engine.Cancel(g);
            },
            (this, generation));

        _incoming.Enqueue(generation);
        _wake.Release();
        try
        {
            while (await generation.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (generation.Reader.TryRead(out var update))
                {
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

    private void Cancel(ActiveGeneration generation)
    {
        if (generation.IsFinished || !generation.RequestCancel())
        {
            return;
        }

        // Abort the running decode only when this request owns most of it; otherwise it ends within one step.
        if (generation.TokensInBatch > 0 && generation.TokensInBatch * 2 > _batch.Count)
        {
            _abort.Set();
        }

        _wake.Release();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _disposing = true;
        _abort.Set();
        _wake.Release();
        _thread.Join();
        _batch.Dispose();
        _sampler.Dispose();
        _abort.Dispose();
        _wake.Dispose();
    }

    private void Run()
    {
        try
        {
            while (!_disposing)
            {
                Admit();
                ReleaseCancelled();
                if (_active.Count == 0)
                {
                    _wake.Wait();
                    continue;
                }

                Step();
            }
        }
#pragma warning disable CA1031 // The decode thread must report every failure to its callers rather than die silently.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.DecodeLoopFailed(_logger, ex);
            FailAll(ex);
            return;
        }

        FailAll(new ObjectDisposedException(nameof(InferenceEngine), "The model was disposed while the request was running."));
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
            _waiting.Add(g);
        }

        for (var i = 0; i < _waiting.Count; i++)
        {
            var g = _waiting[i];
            if (g.CancelRequested)
            {
                g.Fail(new OperationCanceledException());
                _waiting.RemoveAt(i--);
                continue;
            }

            var slot = PickSlot(g.Request.PromptTokens, out var reuse);
            if (slot is null)
            {
                return; // every sequence is busy; keep FIFO order
            }

            try
            {
                g.Sampler = SamplerChainFactory.Create(g.Request.Sampling, _tokenizer.Vocab);
            }
#pragma warning disable CA1031 // A bad request fails alone; the loop continues.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                g.Fail(ex);
                _waiting.RemoveAt(i--);
                continue;
            }

            _waiting.RemoveAt(i--);
            PrepareSlot(slot, g, reuse);
            _active.Add(g);
        }
    }

    /// <summary>The idle sequence sharing the longest prefix with the prompt, else an empty or least recently used one.</summary>
    private SequenceSlot? PickSlot(int[] prompt, out int reuse)
    {
        SequenceSlot? best = null;
        reuse = 0;
        foreach (var slot in _slots)
        {
            if (!slot.IsIdle)
            {
                continue;
            }

            // At least one prompt token must be decoded to get logits for the first sample.
            var common = Math.Min(slot.CommonPrefixLength(prompt), prompt.Length - 1);
            if (best is null || common > reuse
                || (common == reuse && (slot.Tokens.Count < best.Tokens.Count || (slot.Tokens.Count == best.Tokens.Count && slot.LastUsed < best.LastUsed))))
            {
                best = slot;
                reuse = common;
            }
        }

        return best;
    }

    private void PrepareSlot(SequenceSlot slot, ActiveGeneration g, int reuse)
    {
        var prompt = g.Request.PromptTokens;
        if (reuse < slot.Tokens.Count && !TryTruncate(slot, reuse))
        {
            reuse = 0;
        }

        if (reuse == 0 && slot.Tokens.Count > 0)
        {
            Clear(slot);
        }

        slot.Owner = g;
        slot.LastUsed = ++_clock;
        g.Slot = slot;
        g.CachedPromptTokens = reuse;
        g.Pending = prompt;
        g.PendingOffset = reuse;
        g.AdmittedAt = Stopwatch.GetTimestamp();
        Log.Admitted(_logger, slot.Id, prompt.Length, reuse);
    }

    /// <summary>Drops a sequence's cells from position <paramref name="keep"/> on; false if the sliding-window cache can no longer serve that prefix.</summary>
    private bool TryTruncate(SequenceSlot slot, int keep)
    {
        if (keep > 0 && !_settings.SwaFull && _settings.SlidingWindow > 0)
        {
            // Decoding at position `keep` attends to the last window of positions; they must still be cached.
            var minPos = LlamaNative.MemorySeqPosMin(_memory, slot.Id);
            if (minPos > Math.Max(0, keep - _settings.SlidingWindow))
            {
                return false;
            }
        }

        if (!LlamaNative.MemorySeqRemove(_memory, slot.Id, keep, -1))
        {
            return false;
        }

        slot.Tokens.RemoveRange(keep, slot.Tokens.Count - keep);
        return true;
    }

    private void Clear(SequenceSlot slot)
    {
        LlamaNative.MemorySeqRemove(_memory, slot.Id, -1, -1);
        slot.Tokens.Clear();
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
        if (g.Slot is { } slot)
        {
            slot.Owner = null;
            slot.LastUsed = ++_clock;
        }

        g.Dispose();
    }

    private void Step()
    {
        FillBatch();
        _abort.Reset();
        if (_disposing)
        {
            return;
        }

        var result = (DecodeResult)LlamaNative.Decode(_context, _batch.ToNative());
        switch (result)
        {
            case DecodeResult.Ok:
                Commit();
                SampleAll();
                break;
            case DecodeResult.ComputeAborted:
                Log.DecodeAborted(_logger, _batch.Count);
                RollBackBatch();
                break;
            case DecodeResult.NoKvSlot:
                RollBackBatch();
                MakeRoom();
                break;
            default:
                RollBackBatch();
                throw new InvalidOperationException($"llama_decode failed with {result} ({(int)result}) on a batch of {_batch.Count} tokens.");
        }

        foreach (var g in _active)
        {
            g.TokensInBatch = 0;
            g.LogitsIndex = -1;
        }
    }

    private void FillBatch()
    {
        _batch.Clear();
        var generating = 0;
        foreach (var g in _active)
        {
            if (g.IsGenerating)
            {
                g.LogitsIndex = _batch.Add(g.LastToken, g.Slot!.Tokens.Count, g.Slot.Id, logits: true);
                g.TokensInBatch = 1;
                generating++;
            }
        }

        // While others stream, prompt chunks shrink to one micro-batch so their next token is never far away.
        // One prompt per step: llama.cpp's attention gives slightly different numbers when two prompts share a
        // micro-batch, which would make a request's output depend on what else was running (it does not when a
        // prompt shares it with other sequences' single generated tokens).
        var budget = Math.Min(_batch.Free, generating > 0 ? _settings.MicroBatchSize : _settings.BatchSize);
        foreach (var g in _active)
        {
            if (g.IsGenerating)
            {
                continue;
            }

            if (budget == 0)
            {
                break;
            }

            var n = Math.Min(g.PendingCount, budget);
            var position = g.Slot!.Tokens.Count;
            for (var k = 0; k < n; k++)
            {
                var last = g.PendingOffset + k == g.Pending.Length - 1;
                var index = _batch.Add(g.Pending[g.PendingOffset + k], position + k, g.Slot.Id, logits: last);
                if (last)
                {
                    g.LogitsIndex = index;
                }
            }

            g.TokensInBatch = n;
            budget = 0;
        }
    }

    /// <summary>Records the decoded tokens as cached in their sequences.</summary>
    private void Commit()
    {
        foreach (var g in _active)
        {
            if (g.TokensInBatch == 0)
            {
                continue;
            }

            var slot = g.Slot!;
            if (g.IsGenerating)
            {
                slot.Tokens.Add(g.LastToken);
            }
            else
            {
                slot.Tokens.AddRange(g.Pending.AsSpan(g.PendingOffset, g.TokensInBatch));
                g.PendingOffset += g.TokensInBatch;
            }
        }
    }

    /// <summary>After an aborted or refused decode: drop whatever part of the batch reached the cache.</summary>
    private void RollBackBatch()
    {
        foreach (var g in _active)
        {
            if (g.TokensInBatch == 0)
            {
                continue;
            }

            var slot = g.Slot!;
            if (!TryTruncate(slot, slot.Tokens.Count))
            {
                // The sliding-window cells this sequence needs are gone: decode its whole history again.
                var history = slot.Tokens.ToArray();
                Clear(slot);
                var rest = g.IsGenerating ? [g.LastToken] : g.Pending.AsSpan(g.PendingOffset).ToArray();
                g.Pending = [.. history, .. rest];
                g.PendingOffset = 0;
                g.IsGenerating = false;
            }
        }
    }

    /// <summary>The context is full: evict idle cached sequences, else end the longest generation.</summary>
    private void MakeRoom()
    {
        var idle = _slots.Where(s => s.IsIdle && s.Tokens.Count > 0).OrderBy(s => s.LastUsed).FirstOrDefault();
        if (idle is not null)
        {
            Log.Evicted(_logger, idle.Id, idle.Tokens.Count);
            Clear(idle);
            return;
        }

        var victim = _active.OrderByDescending(g => g.Slot!.Tokens.Count).First();
        if (victim.IsGenerating)
        {
            Finish(victim, StopReason.ContextFull, null);
        }
        else
        {
            victim.Fail(new Gemma4ContextOverflowException(victim.Request.PromptTokens.Length, _settings.ContextSize,
                "The context is full with other requests' tokens."));
            Release(victim);
        }

        _active.Remove(victim);
    }

    private void SampleAll()
    {
        for (var i = 0; i < _active.Count; i++)
        {
            var g = _active[i];
            if (g.LogitsIndex < 0)
            {
                continue;
            }

            g.Request.LogitGaps?.Add(TopTwoGap(g.LogitsIndex));
            var token = _sampler.Sample(g.Sampler!, _context, g.LogitsIndex);
            if (token < 0)
            {
                // Only a grammar can forbid every token; llama.cpp would abort the process on the next accept.
                g.Fail(new InvalidOperationException(
                    $"The grammar allows no token after {g.OutputTokens} generated tokens (it may require a token the vocabulary cannot produce there)."));
                Release(g);
                _active.RemoveAt(i--);
                continue;
            }

            if (g.FirstTokenAt == 0)
            {
                g.FirstTokenAt = Stopwatch.GetTimestamp();
            }

            if (Accept(g, token))
            {
                g.IsGenerating = true;
                g.LastToken = token;
            }
            else
            {
                _active.RemoveAt(i--);
            }
        }
    }

    /// <summary>Difference between the two largest logits (test diagnostics: how close a greedy choice was).</summary>
    private unsafe float TopTwoGap(int index)
    {
        var logits = new ReadOnlySpan<float>(LlamaNative.GetLogitsIth(_context, index), _tokenizer.VocabularySize);
        float first = float.NegativeInfinity, second = float.NegativeInfinity;
        foreach (var l in logits)
        {
            if (l > first)
            {
                second = first;
                first = l;
            }
            else if (l > second)
            {
                second = l;
            }
        }

        return first - second;
    }

    /// <summary>Handles a sampled token; false when the generation ended.</summary>
    private bool Accept(ActiveGeneration g, int token)
    {
        if (_tokenizer.IsEndOfGeneration(token))
        {
            Finish(g, StopReason.EndOfGeneration, token);
            return false;
        }

        g.OutputTokens++;
        var n = _tokenizer.TokenToPiece(token, _pieceBuffer);
        var text = g.DecodePiece(_pieceBuffer.AsSpan(0, n), flush: false);
        var emit = g.Stops.Push(text, out var stopped);
        if (stopped)
        {
            g.Emit(emit, token);
            Finish(g, StopReason.StopSequence, null);
            return false;
        }

        g.Emit(emit, token);
        if (g.Request.MaxOutputTokens is { } max && g.OutputTokens >= max)
        {
            Finish(g, StopReason.MaxTokens, null);
            return false;
        }

        if (g.Slot!.Tokens.Count + 1 >= _settings.ContextSize)
        {
            Finish(g, StopReason.ContextFull, null);
            return false;
        }

        return true;
    }

    private void Finish(ActiveGeneration g, StopReason reason, int? stopToken)
    {
        var tail = g.DecodePiece([], flush: true);
        var rest = reason == StopReason.StopSequence ? string.Empty : g.Stops.Push(tail, out _) + g.Stops.Flush();
        g.Finish(reason, stopToken, rest);
        Log.Finished(_logger, g.Slot?.Id ?? -1, reason, g.OutputTokens);
        Release(g);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Sequence {Slot}: admitted a prompt of {PromptTokens} tokens, {CachedTokens} reused from the cache.")]
        public static partial void Admitted(ILogger logger, int slot, int promptTokens, int cachedTokens);

        [LoggerMessage(2, LogLevel.Debug, "Sequence {Slot}: finished ({Reason}) after {OutputTokens} tokens.")]
        public static partial void Finished(ILogger logger, int slot, StopReason reason, int outputTokens);

        [LoggerMessage(3, LogLevel.Debug, "A decode of {BatchTokens} tokens was aborted for a cancelled request.")]
        public static partial void DecodeAborted(ILogger logger, int batchTokens);

        [LoggerMessage(4, LogLevel.Information, "Context full: evicted the cached prefix of sequence {Slot} ({Tokens} tokens).")]
        public static partial void Evicted(ILogger logger, int slot, int tokens);

        [LoggerMessage(5, LogLevel.Error, "The decode loop failed; all running requests were failed.")]
        public static partial void DecodeLoopFailed(ILogger logger, Exception exception);
    }
}
