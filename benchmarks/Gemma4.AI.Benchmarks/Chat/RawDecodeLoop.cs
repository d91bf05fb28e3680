using System.Diagnostics;
using Gemma4.AI.Engine;
using Gemma4.AI.Native;
using LLama.Common;
using LLama.Extensions;
using LLama.Native;

namespace Gemma4.AI.Benchmarks.Chat;

/// <summary>
/// The native loop's steps written in C# inside this process, on a second context created exactly like the engine's:
/// separates what the .NET process itself costs from what the engine's loop and the chat client add.
/// </summary>
internal sealed unsafe class RawDecodeLoop : IDisposable
{
    private readonly SafeLLamaContextHandle _context;
    private readonly NativeBatch _batch;
    private readonly TokenSampler _sampler;
    private readonly IntPtr _memory;
    private readonly int _vocabulary;
    private readonly int _batchSize;

    private RawDecodeLoop(SafeLLamaContextHandle context, int batchSize, int vocabulary, int[] byteTokens)
    {
        _context = context;
        _batchSize = batchSize;
        _batch = new NativeBatch(batchSize);
        _sampler = new TokenSampler(vocabulary, byteTokens);
        _memory = LlamaNative.GetMemory(context);
        _vocabulary = vocabulary;
    }

    /// <summary>A context with the engine's own llama.cpp parameters (Gemma4Model's mapping of the options).</summary>
    public static RawDecodeLoop Create(Gemma4Model model, Gemma4ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        var parameters = Gemma4Model.ToModelParams(options, model.Info);
        parameters.ToLlamaContextParams(out var contextParams);
        var context = SafeLLamaContextHandle.Create(model.Weights.NativeHandle, contextParams);
        return new RawDecodeLoop(context, (int)contextParams.n_batch, model.VocabularySize, model.Tokenizer.ByteTokens);
    }

    /// <summary>
    /// Decodes the prompt (untimed), then times <paramref name="steps"/> single-token decodes, each followed by picking
    /// the next token with a plain argmax or with <paramref name="sampler"/> the way the engine samples (its
    /// <see cref="TokenSampler"/>); returns milliseconds per token.
    /// </summary>
    public double Generate(int[] prompt, int steps, RequestSampler? sampler)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        LlamaNative.MemorySeqRemove(_memory, -1, -1, -1);
        for (var start = 0; start < prompt.Length; start += _batchSize)
        {
            _batch.Clear();
            var end = Math.Min(prompt.Length, start + _batchSize);
            for (var i = start; i < end; i++)
            {
                _batch.Add(prompt[i], i, 0, logits: i == prompt.Length - 1);
            }

            Decode();
        }

        var token = Pick(sampler, _batch.Count - 1);
        var position = prompt.Length;
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < steps; i++)
        {
            _batch.Clear();
            _batch.Add(token, position++, 0, logits: true);
            Decode();
            token = Pick(sampler, 0);
        }

        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds / steps;
    }

    public void Dispose()
    {
        _batch.Dispose();
        _sampler.Dispose();
        _context.Dispose();
    }

    private void Decode()
    {
        var result = LlamaNative.Decode(_context, _batch.ToNative());
        if (result != 0)
        {
            throw new InvalidOperationException($"llama_decode returned {result} in the raw loop.");
        }
    }

    private int Pick(RequestSampler? sampler, int index)
    {
        if (sampler is not null)
        {
            return _sampler.Sample(sampler, _context, index, default);
        }

        var logits = new ReadOnlySpan<float>(LlamaNative.GetLogitsIth(_context, index), _vocabulary);
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }
}
