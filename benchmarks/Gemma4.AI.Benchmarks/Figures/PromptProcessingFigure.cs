using System.Globalization;
using Gemma4.AI.Benchmarks.Chat;
using Gemma4.AI.Benchmarks.Measurement;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Benchmarks.Figures;

/// <summary>
/// pp: prompt processing of the same 512 tokens, native loop vs a chat-client call that streams one token.
/// </summary>
/// <remarks>
/// Every rep uses a new prompt whose text differs from its first content word, so the engine's prefix cache can only
/// reuse the template's opening tokens (<c>&lt;bos&gt;&lt;|turn&gt;user\n</c>...). The native loop decodes those same
/// reused tokens untimed first and then times the rest, so both sides decode exactly the same 512 tokens at the same
/// positions. The chat-client side is timed from the call to the final update (rendering, tokenizing, queueing,
/// decoding, sampling the first token and streaming it back).
/// </remarks>
internal static class PromptProcessingFigure
{
    public static async Task RunAsync(BenchmarkContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var plan = ctx.Plan;
        var sink = ctx.Sink;
        sink.Info($"pp: {plan.PpTokens}-token prompts, {plan.PpPairs} clean pairs wanted (native loop vs Gemma4ChatClient, alternating)");
        var prompts = new Dictionary<int, (ChatMessage Message, int[] Tokens, int Reuse)>();
        (ChatMessage Message, int[] Tokens, int Reuse) PromptFor(int rep)
        {
            if (!prompts.TryGetValue(rep, out var p))
            {
                // The warm-up (rep -1) only needs to run the code paths once: a short prompt.
                var length = rep < 0 ? Math.Min(64, plan.PpTokens) : plan.PpTokens;
                var (message, tokens) = ctx.Prompts.UserMessageDecoding(Head(rep), 1000 + rep, length, ctx.PredictReuse);
                p = (message, tokens, ctx.PredictReuse(tokens));
                prompts[rep] = p;
            }

            return p;
        }

        async Task<SideValue> Native(int rep)
        {
            if (ctx.Native is null)
            {
                return new SideValue(double.NaN, false, "no native loop");
            }

            var (_, tokens, reuse) = PromptFor(rep);
            await ctx.Native.SetTokensAsync(tokens);
            var pp = await ctx.Native.PrefillAsync(reuse);
            return new SideValue(pp.Tokens / (pp.Microseconds / 1e6), true, $"{pp.Tokens} tokens");
        }

        var engineRates = new List<double>();
        async Task<SideValue> Ours(int rep)
        {
            var (message, tokens, reuse) = PromptFor(rep);
            var r = await ctx.StreamAsync([message], StreamRecord.Greedy(1), tokens);
            var decoded = r.Usage.PromptTokens - r.Usage.CachedPromptTokens;
            var valid = r.Usage.CachedPromptTokens == reuse && r.Usage.PromptTokens == tokens.Length;
            engineRates.Add(decoded / r.Usage.PromptTime.TotalSeconds);
            return new SideValue(decoded / r.Total.TotalSeconds, valid, string.Create(CultureInfo.InvariantCulture,
                $"{decoded} decoded, {r.Usage.CachedPromptTokens} cached (predicted {reuse}); engine prompt time {r.Usage.PromptTime.TotalMilliseconds:F0} ms of {r.Total.TotalMilliseconds:F0} ms"));
        }

        // Warm-up (not counted): JIT, caches, page faults of the weights.
        var warm = -1;
        await Native(warm);
        await Ours(warm);
        engineRates.Clear();

        var outcome = await ctx.Runner.RunAsync("pp", plan.PpPairs, alternate: true, Native, Ours, (n, o) => o / n, ("native", "chatclient", "tok/s"));
        sink.Result("ratio.pp.chatclient_vs_native", outcome.Ratio.Median);
        sink.Result("tps.pp.native", outcome.A.Median);
        sink.Result("tps.pp.chatclient", outcome.B.Median);
        sink.Spread("ratio.pp.chatclient_vs_native", outcome.Ratio, outcome.Detail);
        sink.Spread("tps.pp.native", outcome.A, string.Empty);
        sink.Spread("tps.pp.chatclient", outcome.B, string.Empty);
        sink.Note(string.Create(CultureInfo.InvariantCulture,
            $"pp: tokens decoded per rep = {plan.PpTokens} (native: same token ids and positions); engine-internal prompt rate median {Summary.Of(engineRates).Median:F2} tok/s (admission to first sampled token)"));
    }

    /// <summary>A head that makes each rep's prompt differ from the first content word on.</summary>
    private static string Head(int rep) => rep < 0 ? "Warmup notes." : $"{(char)('A' + rep % 26)}{rep} report.";
}
