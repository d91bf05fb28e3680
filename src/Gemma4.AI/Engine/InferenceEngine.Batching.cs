using LLama.Native;

namespace Gemma4.AI.Engine;

/// <summary>
/// The decode loop's batch step: what goes into one llama_decode call, what it leaves in the cache, and what to do when
/// the context has no room.
/// </summary>
internal sealed partial class InferenceEngine
{
    private void FillBatch()
    {
        _batch.Clear();
        var generating = 0;
        foreach (var g in _active)
        {
            if (g.IsGenerating && InAdapterStep(g))
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
            if (g.IsGenerating || !InAdapterStep(g))
            {
                continue;
            }

            if (budget == 0)
            {
                break;
            }

            // Text up to the next media span; a sequence standing at a span waits for a media step.
            var mediaStart = g.Request.Media.NextStart(g.PendingOffset);
            if (mediaStart == g.PendingOffset)
            {
                continue;
            }

            var n = Math.Min(Math.Min(g.PendingCount, budget), mediaStart - g.PendingOffset);
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

    /// <summary>
    /// After a decode that did not succeed: an aborted or refused one (no KV slot) is rolled back, the latter after making
    /// room; any other result fails the requests in the batch.
    /// </summary>
    private void Recover(DecodeResult result, string what)
    {
        if (result is DecodeResult.ComputeAborted or DecodeResult.NoKvSlot)
        {
            RollBackBatch();
            if (result == DecodeResult.NoKvSlot)
            {
                MakeRoom();
            }

            return;
        }

        FailBatch(new InvalidOperationException($"llama_decode failed with {result} ({(int)result}) on {what}."));
    }

    /// <summary>A fatal decode error fails the requests in the batch (their sequences are cleared); the others go on.</summary>
    private void FailBatch(Exception error)
    {
        Log.DecodeFailed(_logger, error);
        for (var i = 0; i < _active.Count; i++)
        {
            var g = _active[i];
            if (g.TokensInBatch > 0)
            {
                _pool.Clear(g.Slot!);
                g.Fail(error);
                Release(g);
                _active.RemoveAt(i--);
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
            if (!_pool.TryTruncate(slot, slot.Tokens.Count))
            {
                // The sliding-window cells this sequence needs are gone: decode its whole history again.
                var history = slot.Tokens.ToArray();
                _pool.Clear(slot);
                var rest = g.IsGenerating ? [g.LastToken] : g.Pending.AsSpan(g.PendingOffset).ToArray();
                g.Pending = [.. history, .. rest];
                g.PendingOffset = 0;
                g.IsGenerating = false;
            }
        }
    }

    /// <summary>
    /// The context is full: evict an idle cached prefix; else preempt the most recently admitted request (its cells are
    /// freed and it waits, resuming exactly where it stopped once there is room); a request alone ends with ContextFull.
    /// </summary>
    private void MakeRoom()
    {
        if (_pool.EvictIdle())
        {
            return;
        }

        if (_active.Count > 1)
        {
            Preempt(_active.MaxBy(g => g.AdmittedAt)!);
            return;
        }

        var only = _active[0];
        if (only.IsGenerating)
        {
            Finish(only, StopReason.ContextFull, null);
        }
        else
        {
            only.Fail(new Gemma4ContextOverflowException(only.Request.PromptTokens.Length, _settings.ContextSize));
            Release(only);
        }

        _active.Remove(only);
    }

    /// <summary>Takes a request off its sequence: its whole history becomes its pending prompt, at the head of the queue.</summary>
    private void Preempt(ActiveGeneration g)
    {
        var slot = g.Slot!;
        var rest = g.IsGenerating ? [g.LastToken] : g.Pending.AsSpan(g.PendingOffset).ToArray();
        g.Pending = [.. slot.Tokens, .. rest];
        g.PendingOffset = 0;
        g.IsGenerating = false;
        g.ResumeAfter = _finished;
        Log.Preempted(_logger, slot.Id, g.Pending.Length);
        _pool.Clear(slot);
        _pool.Release(slot);
        g.Slot = null;
        _active.Remove(g);
        _waiting.Insert(0, g);
    }
}
