using System.Globalization;
using Gemma4.AI.Benchmarks.Chat;
using Gemma4.AI.Benchmarks.Measurement;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Benchmarks.Figures;

/// <summary>
/// tg: generation speed, native loop (single-token decodes + argmax) vs streaming through the chat client.
/// </summary>
/// <remarks>
/// <para>Both sides start from the same short prompt. The chat client is asked for TgTokens + 1 tokens, greedy; the
/// first comes from the prompt decode, so the caller's clock from the first update to the final update spans exactly
/// TgTokens single-token decode-and-sample steps (plus rendering the updates). The native loop times TgTokens
/// single-token decodes after the same prompt.</para>
/// <para>Fixed length: the engine stops at end-of-generation tokens, so the prompt is calibrated first: a variant is
/// kept only if its greedy continuation runs the full length without one (random weights make that the common case),
/// and every rep verifies the finish reason is Length with the full token count. No grammar is used: a grammar
/// sampler over the 262,144-token vocabulary would add work the native loop does not do.</para>
/// </remarks>
internal static class GenerationFigure
{
    private const int CalibrationAttempts = 8;

    public static async Task RunAsync(BenchmarkContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var plan = ctx.Plan;
        var sink = ctx.Sink;
        var steps = plan.TgTokens;
        sink.Info($"tg: {steps} single-token decodes after a {plan.TgPromptTokens}-token prompt, {plan.TgPairs} clean pairs wanted");

        if (await CalibrateAsync(ctx, steps) is not { } calibrated)
        {
            sink.Note($"tg: no prompt variant generated {steps + 1} tokens without an end-of-turn token; tg figures are NaN");
            sink.Result("ratio.tg.chatclient_vs_native", double.NaN);
            return;
        }

        var (message, tokens, reference) = calibrated;
        sink.Info($"tg: prompt of {tokens.Length} tokens; every token reached the caller in its own update: {reference.SawEveryToken}");
        if (ctx.Native is { } warmNative)
        {
            await warmNative.SetTokensAsync(tokens);
            await warmNative.PrefillAsync(0);
            var g = await warmNative.GenerateAsync(steps);
            CheckSameTokens(ctx, reference, g.Tokens);
        }

        async Task<SideValue> Native(int rep)
        {
            if (ctx.Native is null)
            {
                return new SideValue(double.NaN, false, "no native loop");
            }

            await ctx.Native.PrefillAsync(0); // untimed here: only the generation counts
            var g = await ctx.Native.GenerateAsync(steps);
            return new SideValue(steps / (g.Microseconds / 1e6));
        }

        var engineRates = new List<double>();
        async Task<SideValue> Ours(int rep)
        {
            var r = await ctx.StreamAsync([message], StreamRecord.Greedy(steps + 1), tokens);
            var valid = r.Usage.OutputTokens == steps + 1;
            engineRates.Add(steps / r.Usage.GenerationTime.TotalSeconds);
            return new SideValue(steps / r.GenerationTime.TotalSeconds, valid,
                r.SawEveryToken ? null : "some tokens had no visible text: engine clock used");
        }

        var outcome = await ctx.Runner.RunAsync("tg", plan.TgPairs, alternate: true, Native, Ours, (n, o) => o / n, ("native", "chatclient", "tok/s"));
        sink.Result("ratio.tg.chatclient_vs_native", outcome.Ratio.Median);
        sink.Result("tps.tg.native", outcome.A.Median);
        sink.Result("tps.tg.chatclient", outcome.B.Median);
        sink.Spread("ratio.tg.chatclient_vs_native", outcome.Ratio, outcome.Detail);
        sink.Spread("tps.tg.native", outcome.A, string.Empty);
        sink.Spread("tps.tg.chatclient", outcome.B, string.Empty);
        sink.Note(string.Create(CultureInfo.InvariantCulture,
            $"tg: {steps} tokens per rep; native picks each token by {(ctx.Options.NativeArgmax ? "argmax over the full logits row" : "no sampling (llama-bench style)")}, the chat client by its greedy sampler chain; " +
            $"engine-internal generation rate median {Summary.Of(engineRates).Median:F2} tok/s (first sampled token to last)"));
    }

    /// <summary>
    /// Finds (and warms up) a prompt whose greedy continuation runs <paramref name="steps"/> + 1 tokens without an
    /// end-of-turn token; null when none of the variants does.
    /// </summary>
    public static async Task<(ChatMessage Message, int[] Tokens, StreamRecord Reference)?> CalibrateAsync(BenchmarkContext ctx, int steps)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        for (var attempt = 0; attempt < CalibrationAttempts; attempt++)
        {
            var (message, tokens) = ctx.Prompts.UserMessageDecoding($"Story {attempt}.", 2000 + attempt, ctx.Plan.TgPromptTokens, _ => 0);
            var r = await ctx.StreamAsync([message], StreamRecord.Greedy(steps + 1), tokens);
            if (r.Usage.OutputTokens == steps + 1)
            {
                return (message, tokens, r);
            }

            ctx.Sink.Info($"tg: prompt variant {attempt} ends after {r.Usage.OutputTokens} tokens ({r.FinishReason}); trying another");
        }

        return null;
    }

    private static void CheckSameTokens(BenchmarkContext ctx, StreamRecord ours, int[] nativeGenerated)
    {
        if (!ctx.Options.NativeArgmax || !ours.SawEveryToken)
        {
            return;
        }

        // Ours: t1 (from the prompt) then one token per step; native: the same after its prefill's argmax.
        var oursAfterFirst = ours.Tokens.Skip(1).ToArray();
        var same = oursAfterFirst.AsSpan().CommonPrefixLength(nativeGenerated);
        ctx.Sink.Check("tg.greedy_tokens_match_native", same == nativeGenerated.Length,
            $"({same} of {nativeGenerated.Length} generated tokens identical)");
    }
}
