using Gemma4.AI.Benchmarks.Chat;
using Gemma4.AI.Benchmarks.Measurement;
using Gemma4.AI.Benchmarks.Options;

namespace Gemma4.AI.Benchmarks.Figures;

/// <summary>
/// Chat generation with an idle embedding generator in the same process (it has just embedded some texts on its own
/// engine thread) vs alone: <c>RESULT ratio.tg.beside_idle_embeddings_vs_alone</c> (1 = no cost).
/// </summary>
/// <remarks>
/// The RAG and ASP.NET set-up. Before the engines gave their OpenMP team back when idle, the embedding engine's team
/// made libgomp's barriers stop spinning and this ratio was about 0.75 (E2B shape, 2 cores); see OpenMpTeam.
/// </remarks>
internal static class BesideEmbeddingsFigure
{
    public static async Task RunAsync(BenchmarkContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var steps = Math.Min(ctx.Plan.TgTokens, 64);
        var pairs = ctx.Options.Mode == BenchmarkMode.Quick ? 2 : ctx.Plan.TgPairs; // keeps --quick under 10 minutes
        ctx.Sink.Info($"beside: {steps}-token greedy streams alone vs beside an idle embedding generator on the same model; {pairs} pairs wanted");
        if (await GenerationFigure.CalibrateAsync(ctx, steps) is not { } calibrated)
        {
            ctx.Sink.Note("beside: no prompt variant ran the full length; the figure is NaN");
            ctx.Sink.Result("ratio.tg.beside_idle_embeddings_vs_alone", double.NaN);
            return;
        }

        var (message, tokens, _) = calibrated;
        async Task<SideValue> Stream()
        {
            var r = await ctx.StreamAsync([message], StreamRecord.Greedy(steps + 1), tokens);
            return new SideValue(steps / r.GenerationTime.TotalSeconds, r.Usage.OutputTokens == steps + 1);
        }

        async Task<SideValue> Beside(int rep)
        {
            using var embeddings = new Gemma4EmbeddingGenerator(ctx.Model, new Gemma4EmbeddingGeneratorOptions { Threads = ctx.Options.Threads });
            await embeddings.GenerateAsync(["A short text to embed.", "Another one.", "And a third."], cancellationToken: ctx.CancellationToken);
            return await Stream();
        }

        var outcome = await ctx.Runner.RunAsync("beside", pairs, alternate: true, _ => Stream(), Beside, (a, b) => b / a, ("alone", "beside_embeddings", "tok/s"));
        ctx.Sink.Result("ratio.tg.beside_idle_embeddings_vs_alone", outcome.Ratio.Median);
        ctx.Sink.Spread("ratio.tg.beside_idle_embeddings_vs_alone", outcome.Ratio, outcome.Detail);
    }
}
