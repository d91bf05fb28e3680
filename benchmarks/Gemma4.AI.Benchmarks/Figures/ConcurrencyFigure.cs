using System.Diagnostics;
using System.Globalization;
using Gemma4.AI.Benchmarks.Chat;
using Gemma4.AI.Benchmarks.Measurement;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Benchmarks.Figures;

/// <summary>
/// Aggregate output tokens per second of several concurrent chat-client streams vs one stream alone, for each stream
/// count of the plan (4 by default; <c>--streams 4,16</c>).
/// </summary>
/// <remarks>
/// Each stream has its own short prompt; after a warm-up they sit in the engine's prefix cache, so a rep measures
/// decoding (one batch per step holding every stream's next token) rather than prompt processing. Throughput is
/// output tokens over the wall time from the first call to the last final update. Each stream's greedy output in the
/// concurrent run is compared with the same prompt run alone.
/// </remarks>
internal static class ConcurrencyFigure
{
    public static async Task RunAsync(BenchmarkContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        foreach (var streams in ctx.Plan.ConcurrentStreams)
        {
            await RunAsync(ctx, Math.Min(streams, ctx.ModelOptions.MaxParallelSequences));
        }
    }

    private static async Task RunAsync(BenchmarkContext ctx, int streams)
    {
        var plan = ctx.Plan;
        var sink = ctx.Sink;
        var n = plan.ConcurrentTokens;
        sink.Info($"concurrent: {streams} streams of {n} tokens vs 1 stream, {plan.ConcurrentPairs} clean pairs wanted");
        var prompts = Enumerable.Range(0, streams)
            .Select(i => ctx.Prompts.UserMessageDecoding($"Question {i + 1}.", 3000 + i, plan.TgPromptTokens, _ => 0))
            .ToArray();

        // Warm-up: every prompt alone (the reference outputs), then all together; this also caches the prompts.
        var alone = new List<int>[streams];
        for (var i = 0; i < streams; i++)
        {
            alone[i] = (await ctx.StreamAsync([prompts[i].Message], StreamRecord.Greedy(n), prompts[i].Tokens)).Tokens;
        }

        var together = await RunConcurrentAsync(ctx, prompts, n);
        CheckIdentical(ctx, alone, together.Records);

        async Task<SideValue> Single(int rep)
        {
            var r = await ctx.StreamAsync([prompts[0].Message], StreamRecord.Greedy(n), prompts[0].Tokens);
            return new SideValue(r.Usage.OutputTokens / r.Total.TotalSeconds, r.Usage.OutputTokens == n);
        }

        async Task<SideValue> Concurrent(int rep)
        {
            var run = await RunConcurrentAsync(ctx, prompts, n);
            var total = run.Records.Sum(r => r.Usage.OutputTokens);
            return new SideValue(total / run.Wall.TotalSeconds, run.Records.All(r => r.Usage.OutputTokens == n));
        }

        var outcome = await ctx.Runner.RunAsync($"concurrent{streams}", plan.ConcurrentPairs, alternate: true, Single, Concurrent, (s, c) => c / s, ("single", $"concurrent{streams}", "tok/s"));
        var name = $"ratio.concurrent{streams}_vs_single";
        sink.Result(name, outcome.Ratio.Median);
        sink.Result(streams == 4 ? "tps.single" : $"tps.single.vs_concurrent{streams}", outcome.A.Median);
        sink.Result($"tps.concurrent{streams}", outcome.B.Median);
        sink.Spread(name, outcome.Ratio, outcome.Detail);
        sink.Spread(streams == 4 ? "tps.single" : $"tps.single.vs_concurrent{streams}", outcome.A, string.Empty);
        sink.Spread($"tps.concurrent{streams}", outcome.B, string.Empty);
        sink.Note(string.Create(CultureInfo.InvariantCulture,
            $"concurrent: {n} greedy tokens per stream after a cached {plan.TgPromptTokens}-token prompt; throughput = output tokens / wall time from the first call to the last final update"));

        if (ctx.Native is { } native)
        {
            await CompareWithNativeAsync(ctx, native, prompts[0].Tokens, streams, n, Concurrent);
        }
    }

    /// <summary>
    /// The same batching in the native loop (one prompt shared by every sequence, then steps of one token per
    /// sequence): how far the hardware lets batching go, and how close the engine's streams come to it.
    /// </summary>
    private static async Task CompareWithNativeAsync(
        BenchmarkContext ctx, Native.NativeLoop native, int[] prompt, int streams, int n, Func<int, Task<SideValue>> ours)
    {
        await native.SetTokensAsync(prompt);
        var nativeSpeedups = new List<double>();
        async Task<SideValue> NativeBatched(int rep)
        {
            var single = n / (await native.ParallelAsync(1, n) / 1e6);
            var batched = streams * n / (await native.ParallelAsync(streams, n) / 1e6);
            nativeSpeedups.Add(batched / single);
            return new SideValue(batched, true, string.Create(CultureInfo.InvariantCulture, $"native single stream {single:F2} tok/s"));
        }

        var outcome = await ctx.Runner.RunAsync($"concurrent{streams} vs native", ctx.Plan.ConcurrentPairs, alternate: true, NativeBatched, ours,
            (a, b) => b / a, ($"native{streams}", $"chatclient{streams}", "tok/s"));
        var name = $"ratio.concurrent{streams}.chatclient_vs_native";
        ctx.Sink.Result(name, outcome.Ratio.Median);
        ctx.Sink.Result($"tps.concurrent{streams}.native", outcome.A.Median);
        ctx.Sink.Result($"ratio.concurrent{streams}_vs_single.native", Summary.Of(nativeSpeedups).Median);
        ctx.Sink.Spread(name, outcome.Ratio, outcome.Detail);
        ctx.Sink.Spread($"ratio.concurrent{streams}_vs_single.native", Summary.Of(nativeSpeedups), "(native batched steps vs native single-stream steps, same rep)");
        ctx.Sink.Note(string.Create(CultureInfo.InvariantCulture,
            $"concurrent vs native: the native loop times only its {n} batched steps (prefill untimed, one shared prompt); the chat client's wall time also covers admitting the streams one prompt per step ({streams - 1} extra steps)"));
    }

    private static async Task<(StreamRecord[] Records, TimeSpan Wall)> RunConcurrentAsync(
        BenchmarkContext ctx, (ChatMessage Message, int[] Tokens)[] prompts, int tokens)
    {
        var start = Stopwatch.GetTimestamp();
        var records = await Task.WhenAll(prompts.Select(p => ctx.StreamAsync([p.Message], StreamRecord.Greedy(tokens), p.Tokens)));
        return (records, Stopwatch.GetElapsedTime(start));
    }

    private static void CheckIdentical(BenchmarkContext ctx, List<int>[] alone, StreamRecord[] together)
    {
        var identical = 0;
        var details = new List<string>();
        for (var i = 0; i < alone.Length; i++)
        {
            var same = alone[i].SequenceEqual(together[i].Tokens);
            identical += same ? 1 : 0;
            if (!same)
            {
                var prefix = ((ReadOnlySpan<int>)[.. alone[i]]).CommonPrefixLength([.. together[i].Tokens]);
                details.Add($"stream {i}: first {prefix} of {alone[i].Count} tokens identical");
            }
        }

        ctx.Sink.Check(alone.Length == 4 ? "concurrent.each_stream_matches_alone" : $"concurrent{alone.Length}.each_stream_matches_alone", identical == alone.Length,
            $"({identical} of {alone.Length} streams identical{(details.Count > 0 ? "; " + string.Join("; ", details) : string.Empty)})");
    }
}
