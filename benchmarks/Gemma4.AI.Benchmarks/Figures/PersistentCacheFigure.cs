using System.Globalization;
using Gemma4.AI.Benchmarks.Chat;
using Gemma4.AI.Benchmarks.Measurement;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Benchmarks.Figures;

/// <summary>
/// Persistent prefix cache: time to first token after restoring a saved document prefix from disk vs decoding it cold
/// (issue 6: at least 20x faster, identical greedy output).
/// </summary>
/// <remarks>
/// Per rep a new document conversation. One model, with the cache folder set, decodes it cold (which saves the prompt's
/// state) — that is side A, the cold time to first token. Then a newly loaded model (nothing in memory) restores the file
/// and decodes only the last prompt token — side B. Both are timed by the caller from the call to the first token, and
/// their greedy outputs compared.
/// </remarks>
internal static class PersistentCacheFigure
{
    public static async Task RunAsync(BenchmarkContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var plan = ctx.Plan;
        var sink = ctx.Sink;
        var options = StreamRecord.Greedy(plan.AnswerTokens);
        var folder = Path.Combine(Path.GetTempPath(), "gemma4-bench-prefix-" + Guid.NewGuid().ToString("N"));
        var modelOptions = ctx.ModelOptions.Clone();
        modelOptions.PrefixCacheDirectory = folder;
        // Half the document: the whole prompt (document + question) qualifies for saving and restoring, at any document size.
        modelOptions.PrefixCacheMinTokens = Math.Max(16, plan.DocTokens / 2);
        sink.Info($"restore: a {plan.DocTokens}-token document decoded cold (and saved), then restored by a new model; {plan.TurnPairs} pairs wanted");
        var identical = true;
        StreamRecord? cold = null;
        ChatMessage? message = null;

        try
        {
            async Task<SideValue> Cold(int rep)
            {
                (message, var tokens) = ctx.Prompts.UserMessageDecoding($"Report {rep + 1}. Read it.\n\n", 7000 + rep, plan.DocTokens, _ => 0, "\n\nWhat is it about?");
                using var model = await Gemma4Model.LoadAsync(modelOptions, cancellationToken: ctx.CancellationToken);
                using var client = new Gemma4ChatClient(model);
                cold = await StreamRecord.RunAsync(client, [message], options, ctx.CancellationToken);
                await WaitForSaveAsync(folder, rep + 1, ctx.CancellationToken);
                return new SideValue(cold.TimeToFirstToken.TotalMilliseconds, cold.Usage.CachedPromptTokens == 0,
                    string.Create(CultureInfo.InvariantCulture, $"{cold.Usage.PromptTokens} prompt tokens"));
            }

            async Task<SideValue> Restored(int rep)
            {
                using var model = await Gemma4Model.LoadAsync(modelOptions, cancellationToken: ctx.CancellationToken);
                using var client = new Gemma4ChatClient(model);
                var r = await StreamRecord.RunAsync(client, [message!], options, ctx.CancellationToken);
                identical &= r.Tokens.SequenceEqual(cold!.Tokens);
                return new SideValue(r.TimeToFirstToken.TotalMilliseconds, r.Usage.CachedPromptTokens == r.Usage.PromptTokens - 1,
                    string.Create(CultureInfo.InvariantCulture, $"{r.Usage.CachedPromptTokens} of {r.Usage.PromptTokens} prompt tokens restored"));
            }

            var outcome = await ctx.Runner.RunAsync("restore", plan.TurnPairs, alternate: false, Cold, Restored, (c, r) => c / r, ("cold", "restored", "ms"));
            sink.Result("ratio.restore_vs_cold_ttft_speedup", outcome.Ratio.Median);
            sink.Result("ms.ttft.cold", outcome.A.Median);
            sink.Result("ms.ttft.restored", outcome.B.Median);
            sink.Spread("ratio.restore_vs_cold_ttft_speedup", outcome.Ratio, outcome.Detail);
            sink.Check("restore.greedy_output_matches_cold", identical, "(every restored run generated the cold run's tokens)");
            var bytes = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);
            sink.Note(string.Create(CultureInfo.InvariantCulture,
                $"restore: document {plan.DocTokens} tokens; cache files {bytes / 1048576.0:F1} MiB in total; SwaFull={modelOptions.SwaFull}; each side loads a new model (load time not counted)"));
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    // The state is written in the background after the prompt is decoded.
    private static async Task WaitForSaveAsync(string folder, int files, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 600 && (!Directory.Exists(folder) || Directory.GetFiles(folder, "*.g4kv").Length < files); i++)
        {
            await Task.Delay(50, cancellationToken);
        }
    }
}
