using System.Diagnostics;
using Gemma4.AI.Multimodal;
using Gemma4.AI.Native;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Gemma4.AI.Engine;

/// <summary>
/// Images and audio in the decode loop. A sequence whose next prompt position starts a media span gets a media step:
/// the projector encodes the span's chunk, and its embeddings are decoded into the sequence in one llama_decode of their
/// own (an embedding batch cannot carry tokens), with causal attention off for images as Gemma 4's vision needs.
/// </summary>
/// <remarks>
/// A media step holds the loop for the encode and decode of one chunk (on this 2-core CPU with the tiny test projector,
/// 3-70 ms per image; for E2B's real encoder, seconds per 280-token image); media steps alternate with token steps, so
/// other sequences keep streaming between two media. The encode polls the abort flag, so cancellation and disposal stop
/// it early. A prefix is only ever reused or cut at media span boundaries, and a span is reused only when its content
/// hash is the request's (see <see cref="SequenceSlot.CommonPrefixLength(ReadOnlySpan{int}, Lora.AdapterSet, MediaInput)"/>).
/// </remarks>
internal sealed partial class InferenceEngine
{
    private MediaProjector? _projector;
    private EmbeddingBatch? _embeddingBatch;
    private bool _lastStepWasMedia;

    /// <summary>Gives the engine the model's projector; called once, before the first request.</summary>
    public void AttachProjector(MediaProjector projector) => _projector = projector;

    /// <summary>
    /// A sequence of this step's adapter set standing at a media span, unless the last step was a media step and other
    /// sequences have tokens to decode (they take this step).
    /// </summary>
    private (ActiveGeneration Generation, MediaSpan Span)? NextMediaStep()
    {
        if (_projector is null)
        {
            return null;
        }

        (ActiveGeneration, MediaSpan)? candidate = null;
        var otherWork = false;
        foreach (var g in _active)
        {
            if (!InAdapterStep(g))
            {
                continue;
            }

            if (!g.IsGenerating && candidate is null && g.Request.Media.StartingAt(g.PendingOffset) is { } span)
            {
                candidate = (g, span);
            }
            else if (g.IsGenerating || g.Request.Media.NextStart(g.PendingOffset) != g.PendingOffset)
            {
                otherWork = true;
            }
        }

        if (candidate is null || (_lastStepWasMedia && otherWork))
        {
            return null;
        }

        _lastStepWasMedia = true;
        return candidate;
    }

    /// <summary>Encodes one media chunk and decodes its embeddings into the request's sequence.</summary>
    private unsafe void DecodeMedia(ActiveGeneration g, MediaSpan span)
    {
        var slot = g.Slot!;
        _batch.Clear();
        g.TokensInBatch = span.Length; // a cancellation now aborts the encode and decode (the request owns the whole step)
        try
        {
            if (!_abortArmed)
            {
                LlamaNative.SetAbortCallback(_context, AbortSignal.Callback, Abort.Data);
                _abortArmed = true;
            }

            Abort.Reset();
            if (g.CancelRequested || IsDisposing)
            {
                return;
            }

            Log.MediaEncoding(_logger, slot.Id, span.Kind, span.Length);
            var started = Stopwatch.GetTimestamp();
            float* embeddings;
            try
            {
                embeddings = _projector!.Encode(span.Chunk);
            }
            catch (InvalidOperationException ex)
            {
                FailBatch(ex);
                return;
            }

            var encoded = Stopwatch.GetTimestamp();
            g.MediaEncodeTicks += encoded - started;
            if (Abort.IsSet)
            {
                Log.MediaAborted(_logger, slot.Id, span.Length);
                return; // cancelled or disposing: nothing reached the cache
            }

            var result = DecodeEmbeddings(embeddings, span, slot);
            if (result == DecodeResult.Ok)
            {
                slot.Tokens.AddRange(g.Pending.AsSpan(g.PendingOffset, span.Length));
                slot.Media.Add((span.Start, span.Key));
                g.PendingOffset += span.Length;
                Log.MediaDecoded(_logger, slot.Id, span.Kind, span.Length,
                    Stopwatch.GetElapsedTime(started, encoded).TotalMilliseconds, Stopwatch.GetElapsedTime(encoded).TotalMilliseconds);
            }
            else
            {
                if (result == DecodeResult.ComputeAborted)
                {
                    Log.MediaAborted(_logger, slot.Id, span.Length);
                }

                Recover(result, $"{span.Length} media embeddings");
            }
        }
        finally
        {
            g.TokensInBatch = 0;
        }
    }

    /// <summary>
    /// Decodes a chunk's embeddings at the sequence's next positions: an image in one batch with causal attention off
    /// (its tokens fit one micro-batch, checked when the request was planned), audio in causal batches.
    /// </summary>
    private unsafe DecodeResult DecodeEmbeddings(float* embeddings, MediaSpan span, SequenceSlot slot)
    {
        _embeddingBatch ??= new EmbeddingBatch(_settings.BatchSize);
        var width = _projector!.EmbeddingWidth;
        var position = slot.Tokens.Count;
        if (span.NonCausal)
        {
            LlamaNative.SetCausalAttention(_context, false);
        }

        try
        {
            var piece = span.NonCausal ? span.Length : _settings.BatchSize;
            for (var offset = 0; offset < span.Length; offset += piece)
            {
                var count = Math.Min(piece, span.Length - offset);
                var batch = _embeddingBatch.View(embeddings + ((long)offset * width), count, position + offset, slot.Id);
                var result = (DecodeResult)LlamaNative.Decode(_context, batch);
                if (result != DecodeResult.Ok)
                {
                    return result;
                }
            }

            return DecodeResult.Ok;
        }
        finally
        {
            if (span.NonCausal)
            {
                LlamaNative.SetCausalAttention(_context, true);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Debug, "Sequence {Slot}: {Kind} of {Tokens} tokens encoded in {EncodeMs:F1} ms and decoded in {DecodeMs:F1} ms.")]
        public static partial void MediaDecoded(ILogger logger, int slot, MediaKind kind, int tokens, double encodeMs, double decodeMs);

        [LoggerMessage(32, LogLevel.Trace, "Sequence {Slot}: encoding {Kind} of {Tokens} tokens.")]
        public static partial void MediaEncoding(ILogger logger, int slot, MediaKind kind, int tokens);

        [LoggerMessage(31, LogLevel.Debug, "Sequence {Slot}: the encode or decode of {Tokens} media tokens was aborted.")]
        public static partial void MediaAborted(ILogger logger, int slot, int tokens);
    }
}
