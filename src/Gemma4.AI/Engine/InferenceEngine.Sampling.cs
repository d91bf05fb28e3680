using System.Diagnostics;
using Gemma4.AI.Native;

namespace Gemma4.AI.Engine;

/// <summary>The decode loop's token step: sample every sequence that has logits, turn tokens into text, detect the end.</summary>
internal sealed partial class InferenceEngine
{
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
            var token = _sampler.Sample(g.Sampler!, _context, g.LogitsIndex, g.Utf8);
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
                SaveToDisk(g);
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

    /// <summary>Saves a long, freshly decoded prompt to the persistent prefix cache (only the prompt: nothing generated yet).</summary>
    private void SaveToDisk(ActiveGeneration g)
    {
        var slot = g.Slot!;
        // Saved states are keyed by model and tokens only: KV computed with LoRA adapters must not be stored as the base model's.
        // Media are not stored: a saved state is keyed by token ids, and a media position's id only stands for a hash
        // of content whose embeddings also depend on the projector file, which the cache does not fingerprint.
        if (_prefixCache is null || !g.Request.Adapters.IsEmpty || !g.Request.Media.IsEmpty
            || g.Request.PromptTokens.Length - g.CachedPromptTokens < _prefixCache.MinTokens
            || slot.Tokens.Count != g.Request.PromptTokens.Length || _prefixCache.Contains(g.Request.PromptTokens))
        {
            return;
        }

        _prefixCache.Save(g.Request.PromptTokens, _context, slot.Id);
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
        g.Utf8.Advance(_pieceBuffer.AsSpan(0, n));
        var text = g.DecodePiece(_pieceBuffer.AsSpan(0, n), flush: false);
        if (_tokenizer.IsSpecial(token))
        {
            // A control token without text (<mask>, media placeholders) is invisible to the caller, so it is
            // invisible to stop sequences too: "P", <mask>, "lühen" still reaches the stop "Plühen".
            if (text.Length == 0)
            {
                g.Emit(text, token, isSpecial: true);
                return Continue(g);
            }

            // A format marker is not text: it ends any partial stop-sequence match and goes out on its own, so
            // the caller can tell it from the same characters spelled with ordinary tokens.
            var held = g.Stops.Flush();
            if (held.Length > 0)
            {
                g.Emit(held, -1);
            }

            g.Emit(text, token, isSpecial: true);
            return Continue(g);
        }

        var emit = g.Stops.Push(text, out var stopped);
        if (stopped)
        {
            g.Emit(emit, token);
            Finish(g, StopReason.StopSequence, null);
            return false;
        }

        g.Emit(emit, token);
        return Continue(g);
    }

    /// <summary>After a token was emitted: false when the output limit or the context is reached.</summary>
    private bool Continue(ActiveGeneration g)
    {
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
}
