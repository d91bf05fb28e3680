using System.Diagnostics;
using System.Globalization;
using Gemma4.AI.Benchmarks.Measurement;
using Gemma4.AI.Engine;
using Gemma4.AI.Native;
using LLama.Common;
using LLama.Native;

namespace Gemma4.AI.Benchmarks.Figures;

/// <summary>
/// Micro-measurements behind the overhead figure, on a small second context of the same model: picking a token from
/// one logits row (the engine's greedy and top-k/top-p sampling, a plain argmax), turning it into text, and a
/// single-token decode with and without the engine's abort callback.
/// </summary>
internal static class MicroMeasurements
{
    private const int MicroIterations = 200;

    /// <summary>Times the greedy sampler chain and a plain argmax on one real logits row, in a small second context.</summary>
    public static unsafe void Run(BenchmarkContext ctx)
    {
        var model = ctx.Model;
        var parameters = new ModelParams(model.ModelPath)
        {
            ContextSize = 256,
            BatchSize = 256,
            UBatchSize = 256,
            SeqMax = 1,
            Threads = ctx.Options.Threads,
            BatchThreads = ctx.Options.Threads,
            GpuLayerCount = ctx.Options.GpuLayers,
        };
        using var context = model.Weights.CreateContext(parameters);
        var batch = new LLamaBatch();
        batch.Add(model.Tokenizer.BosToken, 0, LLamaSeqId.Zero, true);
        if (context.NativeHandle.Decode(batch) != DecodeResult.Ok)
        {
            ctx.Sink.Note("overhead: the sampling micro-measurement could not decode a token");
            return;
        }

        var vocabulary = model.VocabularySize;
        using var chain = SamplerChainFactory.Create(new SamplingParameters { Temperature = 0 }, model.Tokenizer);
        using var sampling = SamplerChainFactory.Create(new SamplingParameters { Temperature = 1, TopK = 64, TopP = 0.95f, Seed = 1 }, model.Tokenizer);
        var sampled = 0;
        using var tokenSampler = new TokenSampler(vocabulary, model.Tokenizer.ByteTokens);
        var sampler = Time(() => sampled = tokenSampler.Sample(chain, context.NativeHandle, 0, default));
        var llamaSampler = Time(() => tokenSampler.Sample(sampling, context.NativeHandle, 0, default));
        var argmaxToken = 0;
        var argmax = Time(() =>
        {
            var logits = new ReadOnlySpan<float>(LlamaNative.GetLogitsIth(context.NativeHandle, 0), vocabulary);
            var best = 0;
            for (var i = 1; i < logits.Length; i++)
            {
                if (logits[i] > logits[best])
                {
                    best = i;
                }
            }

            argmaxToken = best;
        });
        var buffer = new byte[256];
        var piece = Time(() => model.Tokenizer.TokenToPiece(sampled, buffer));

        MeasureAbortCallback(ctx, context.NativeHandle, model.Tokenizer.BosToken);
        ctx.Sink.Result("ms.token.sampler_greedy", sampler);
        ctx.Sink.Result("ms.token.sampler_topk_topp", llamaSampler);
        ctx.Sink.Result("ms.token.argmax", argmax);
        ctx.Sink.Result("ms.token.token_to_piece", piece);
        ctx.Sink.Note(string.Create(CultureInfo.InvariantCulture,
            $"overhead: over a {vocabulary}-token logits row, the engine's greedy sampling (TokenSampler's argmax path) takes {sampler:F4} ms, top-k/top-p sampling {llamaSampler:F4} ms, a plain argmax {argmax:F4} ms (same token: {sampled == argmaxToken}); means of {MicroIterations} calls"));
    }

    /// <summary>
    /// Single-token decodes with and without the engine's abort callback installed (llama.cpp polls it after every
    /// graph node, a call from native code back into .NET), alternating blocks of decodes in the same context.
    /// </summary>
    private static unsafe void MeasureAbortCallback(BenchmarkContext ctx, SafeLLamaContextHandle context, int token)
    {
        const int Block = 8;
        var memory = LlamaNative.GetMemory(context);
        using var signal = new AbortSignal();
        var batch = new LLamaBatch();
        batch.Add(token, 1, LLamaSeqId.Zero, true);
        double DecodeBlock()
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < Block; i++)
            {
                LlamaNative.MemorySeqRemove(memory, 0, 1, -1);
                context.Decode(batch);
            }

            return Stopwatch.GetElapsedTime(start).TotalMilliseconds / Block;
        }

        var without = new List<double>();
        var with = new List<double>();
        DecodeBlock(); // warm-up
        for (var rep = 0; rep < 3; rep++)
        {
            LlamaNative.SetAbortCallback(context, null, IntPtr.Zero);
            without.Add(DecodeBlock());
            LlamaNative.SetAbortCallback(context, AbortSignal.Callback, signal.Data);
            with.Add(DecodeBlock());
        }

        LlamaNative.SetAbortCallback(context, null, IntPtr.Zero);
        var a = Summary.Of(without).Median;
        var b = Summary.Of(with).Median;
        ctx.Sink.Result("ms.token.decode_without_abort_callback", a);
        ctx.Sink.Result("ms.token.decode_with_abort_callback", b);
        ctx.Sink.Note(string.Create(CultureInfo.InvariantCulture,
            $"overhead: a single-token llama_decode takes {a:F3} ms without and {b:F3} ms with the engine's abort callback (median of 3 alternating blocks of {Block})"));
    }

    private static double Time(Action action)
    {
        for (var i = 0; i < 10; i++)
        {
            action();
        }

        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < MicroIterations; i++)
        {
            action();
        }

        return Stopwatch.GetElapsedTime(start).TotalMilliseconds / MicroIterations;
    }
}
