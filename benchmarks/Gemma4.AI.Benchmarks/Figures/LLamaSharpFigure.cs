using System.Diagnostics;
using System.Globalization;
using Gemma4.AI.Benchmarks.Measurement;
using LLama;
using LLama.Common;
using LLama.Sampling;

namespace Gemma4.AI.Benchmarks.Figures;

/// <summary>
/// LLamaSharp's own path as a second baseline: <see cref="StatelessExecutor"/> generating from the same prompt text,
/// greedy, with the engine's llama.cpp parameters. (LLamaSharp's <c>AsChatClient</c> does not apply: it renders a
/// "User:" transcript instead of the Gemma 4 template.)
/// </summary>
/// <remarks>
/// The executor creates a context and decodes the whole prompt on every call; only its generation is timed here,
/// from the first streamed piece to the end, so the figure compares per-token speed with the native loop.
/// </remarks>
internal static class LLamaSharpFigure
{
    public static async Task RunAsync(BenchmarkContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var sink = ctx.Sink;
        var steps = ctx.Plan.TgTokens;
        var pairs = Math.Max(2, ctx.Plan.TgPairs / 2);
        var parameters = Gemma4Model.ToModelParams(ctx.ModelOptions, ctx.Model.Info);

        var (message, tokens) = ctx.Prompts.UserMessageDecoding("Story 0.", 2000, ctx.Plan.TgPromptTokens, _ => 0);
        // The executor tokenizes with BOS and special tokens itself.
        var prompt = ctx.Client.Formatter.Format([message]);
        prompt = prompt.StartsWith("<bos>", StringComparison.Ordinal) ? prompt["<bos>".Length..] : prompt;
        var executor = new StatelessExecutor(ctx.Model.Weights, parameters) { ApplyTemplate = false };
        sink.Info($"llamasharp: StatelessExecutor, {steps} greedy tokens after a {tokens.Length}-token prompt, {pairs} clean pairs wanted");

        async Task<SideValue> Native(int rep)
        {
            if (ctx.Native is null)
            {
                return new SideValue(double.NaN, false, "no native loop");
            }

            await ctx.Native.SetTokensAsync(tokens);
            await ctx.Native.PrefillAsync(0);
            var g = await ctx.Native.GenerateAsync(steps);
            return new SideValue(steps / (g.Microseconds / 1e6));
        }

        async Task<SideValue> Stateless(int rep)
        {
            var inference = new InferenceParams
            {
                MaxTokens = steps + 1,
                SamplingPipeline = new GreedySamplingPipeline(),
                AntiPrompts = [],
            };
            long first = 0;
            var pieces = 0;
            await foreach (var _ in executor.InferAsync(prompt, inference, ctx.CancellationToken))
            {
                first = first == 0 ? Stopwatch.GetTimestamp() : first;
                pieces++;
            }

            var seconds = Stopwatch.GetElapsedTime(first).TotalSeconds;
            // One piece per token; an early end of generation makes the rep invalid.
            return new SideValue((pieces - 1) / seconds, pieces == steps + 1, string.Create(CultureInfo.InvariantCulture, $"{pieces} pieces"));
        }

        await Stateless(-1); // warm-up
        var outcome = await ctx.Runner.RunAsync("llamasharp", pairs, alternate: true, Native, Stateless, (n, s) => s / n, ("native", "statelessexecutor", "tok/s"));
        sink.Result("ratio.tg.statelessexecutor_vs_native", outcome.Ratio.Median);
        sink.Result("tps.tg.statelessexecutor", outcome.B.Median);
        sink.Spread("ratio.tg.statelessexecutor_vs_native", outcome.Ratio, outcome.Detail);
        sink.Note("llamasharp: StatelessExecutor builds a context and re-decodes the prompt per call (not timed here); its generation is timed from the first piece to the last");
    }
}
