using System.Diagnostics;
using System.Globalization;
using Gemma4.AI.Benchmarks.Chat;
using Gemma4.AI.Benchmarks.Measurement;
using Gemma4.AI.Engine;
using Gemma4.AI.Native;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Benchmarks.Figures;

/// <summary>
/// Where the time of one generated token goes beyond the native decode: per-token cost of the native loop, of the
/// engine alone (its own stream, no chat client), and of the chat client; plus micro-measurements of picking the token
/// (the engine's greedy sampler chain vs a plain argmax over the logits row) and of turning it into text.
/// </summary>
/// <remarks>
/// The differences are fixed costs per token, so they show on a fast model (tiny, or a GPU) and vanish on a slow one:
/// at 46 ms per token (E2B on 2 CPU cores) a 0.1 ms overhead is 0.2%, at 2.6 ms (E2B on an H200) it is 4%.
/// </remarks>
internal static class OverheadFigure
{
    private const int MicroIterations = 200;

    public static async Task RunAsync(BenchmarkContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var sink = ctx.Sink;
        var steps = Math.Min(ctx.Plan.TgTokens, 48);
        var reps = ctx.Plan.TgPairs;
        var (message, tokens) = ctx.Prompts.UserMessageDecoding("Overhead probe.", 5000, 32, _ => 0);
        sink.Info($"overhead: per-token cost of {steps}-token generations: native loop, the same loop in C# (argmax, then the engine's sampler chain), the engine alone, the chat client");

        using var raw = RawDecodeLoop.Create(ctx.Model, ctx.ModelOptions);
        using var greedy = SamplerChainFactory.Create(new SamplingParameters { Temperature = 0 }, ctx.Model.Tokenizer.Vocab);
        var sides = new List<(string Name, Func<Task<double?>> Run)>();
        if (ctx.Native is { } loop)
        {
            sides.Add(("native", async () =>
            {
                await loop.SetTokensAsync(tokens);
                await loop.PrefillAsync(0);
                return (await loop.GenerateAsync(steps)).Microseconds / 1000.0 / steps;
            }));
        }

        if (raw is not null)
        {
            sides.Add(("raw_argmax", () => Task.FromResult<double?>(raw.Generate(tokens, steps, null))));
            sides.Add(("raw_sampler", () => Task.FromResult<double?>(raw.Generate(tokens, steps, greedy))));
        }
        else
        {
            sink.Note("overhead: Gemma4Model's private parameter mapping was not found; the raw C# loop is skipped");
        }

        sides.Add(("engine", () => EngineAloneAsync(ctx, tokens, steps)));
        var callerClock = true;
        sides.Add(("chatclient", async () =>
        {
            var r = await ctx.StreamAsync([message], StreamRecord.Greedy(steps + 1), tokens);
            callerClock &= r.SawEveryToken;
            return r.Usage.OutputTokens == steps + 1 ? r.GenerationTime.TotalMilliseconds / steps : null;
        }));

        var values = sides.ToDictionary(s => s.Name, _ => new List<double>(), StringComparer.Ordinal);
        var contaminated = sides.ToDictionary(s => s.Name, _ => new List<double>(), StringComparer.Ordinal);
        var dropped = 0;
        for (var rep = -1; rep < reps; rep++)
        {
            var start = ctx.Monitor.Take();
            var threadsBefore = ThreadCpu.Take();
            var results = new Dictionary<string, double?>(StringComparer.Ordinal);
            // Rotate the order every rep so drift over time spreads evenly over the sides.
            for (var k = 0; k < sides.Count; k++)
            {
                var (name, run) = sides[(k + Math.Max(rep, 0)) % sides.Count];
                results[name] = await run();
            }

            var cpu = ctx.Monitor.Between(start, ctx.Monitor.Take());
            if (rep == reps - 1)
            {
                var threads = ThreadCpu.Between(threadsBefore, ThreadCpu.Take());
                sink.Info(string.Create(CultureInfo.InvariantCulture,
                    $"overhead: CPU by thread of this process during the last rep ({cpu.Seconds:F1} s): {string.Join(", ", threads.Select(t => $"'{t.Name}' x{t.Threads} {t.Milliseconds:F0} ms"))}"));
            }

            sink.Info(string.Create(CultureInfo.InvariantCulture,
                $"overhead rep {rep}: {string.Join(" ", results.Select(kv => $"{kv.Key}={kv.Value:F3}"))} ms/token [{cpu}]{(cpu.OtherShare > ctx.Options.MaxOtherCpu ? " DROPPED(contaminated)" : string.Empty)}"));
            if (rep < 0)
            {
                continue;
            }

            var clean = cpu.OtherShare <= ctx.Options.MaxOtherCpu;
            dropped += clean ? 0 : 1;
            foreach (var (name, value) in results)
            {
                if (value is { } v)
                {
                    (clean ? values : contaminated)[name].Add(v);
                }
            }
        }

        var useContaminated = dropped == reps;
        if (useContaminated)
        {
            sink.Note("overhead: every rep was contaminated by other processes; the figures below use them anyway");
        }

        foreach (var (name, list) in useContaminated ? contaminated : values)
        {
            Report(sink, $"ms.token.{name}", list);
        }

        MeasureSampling(ctx);
        if (!callerClock)
        {
            sink.Note("overhead: some generated tokens had no visible text (no update reached the caller), so ms.token.chatclient used the engine's clock");
        }

        sink.Note($"overhead: ms.token.* are per generated token, medians over {reps} reps ({dropped} dropped as contaminated); native = the C loop (argmax); " +
                  "raw_argmax / raw_sampler = the same loop in C# on a second context with the engine's parameters, picking by argmax / by the engine's greedy sampler chain; " +
                  "engine = InferenceEngine.GenerateAsync consumed directly; chatclient = Gemma4ChatClient.GetStreamingResponseAsync (caller clock)");
    }

    private static void Report(ResultSink sink, string name, List<double> values)
    {
        var s = Summary.Of(values);
        sink.Result(name, s.Median);
        sink.Spread(name, s, string.Empty);
    }

    /// <summary>The engine's own stream, without the chat client: per-token ms on the caller's clock, or null on an early stop.</summary>
    private static async Task<double?> EngineAloneAsync(BenchmarkContext ctx, int[] tokens, int steps)
    {
        var request = new GenerationRequest(tokens)
        {
            Sampling = new SamplingParameters { Temperature = 0 },
            MaxOutputTokens = steps + 1,
        };
        long first = 0, last = 0;
        var count = 0;
        await foreach (var update in ctx.Model.Engine.GenerateAsync(request, ctx.CancellationToken))
        {
            var now = Stopwatch.GetTimestamp();
            if (update.Token >= 0)
            {
                count++;
                first = first == 0 ? now : first;
            }

            last = now;
        }

        return count == steps + 1 ? Stopwatch.GetElapsedTime(first, last).TotalMilliseconds / steps : null;
    }

    /// <summary>Times the greedy sampler chain and a plain argmax on one real logits row, in a small second context.</summary>
    private static unsafe void MeasureSampling(BenchmarkContext ctx)
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
        using var chain = SamplerChainFactory.Create(new SamplingParameters { Temperature = 0 }, model.Tokenizer.Vocab);
        var sampled = 0;
        using var tokenSampler = new TokenSampler(vocabulary);
        var sampler = Time(() => sampled = tokenSampler.Sample(chain, context.NativeHandle, 0));
        var llamaSampler = Time(() => LlamaNative.SamplerSample(chain, context.NativeHandle, 0));
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
        ctx.Sink.Result("ms.token.llama_sampler_sample_greedy", llamaSampler);
        ctx.Sink.Result("ms.token.argmax", argmax);
        ctx.Sink.Result("ms.token.token_to_piece", piece);
        ctx.Sink.Note(string.Create(CultureInfo.InvariantCulture,
            $"overhead: over a {vocabulary}-token logits row, the engine's greedy sampling (TokenSampler: fill {vocabulary} candidates, apply the chain) takes {sampler:F4} ms, llama_sampler_sample {llamaSampler:F4} ms, a plain argmax {argmax:F4} ms (same token: {sampled == argmaxToken}); means of {MicroIterations} calls"));
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
