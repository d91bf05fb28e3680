using System.Globalization;
using Gemma4.AI.Benchmarks.Chat;
using Gemma4.AI.Benchmarks.Measurement;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Benchmarks.Figures;

/// <summary>
/// Time to first token of turn 2 vs turn 1 in a conversation whose first user turn carries a long document: turn 2
/// sends the whole history again and the engine reuses the KV cache of turn 1 (the prefix cache).
/// </summary>
/// <remarks>
/// Each rep is a new conversation with its own document (different from its first word), so turn 1 is always cold.
/// Time to first token is measured by the caller: from the call to the update carrying the first token. At the end,
/// the last turn 2 is decoded once more cold, in a second context of the same model, and the greedy outputs compared.
/// </remarks>
internal static class TurnTwoFigure
{
    private const string Question1 = "\n\nQuestion: what does the document say about the weather?";
    private const string Question2 = "Now summarize the second half of the document in two sentences.";

    public static async Task RunAsync(BenchmarkContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var plan = ctx.Plan;
        var sink = ctx.Sink;
        var options = StreamRecord.Greedy(plan.AnswerTokens);
        sink.Info($"ttft: a {plan.DocTokens}-token document in turn 1, then turn 2 on the cached prefix; {plan.TurnPairs} clean conversations wanted");

        IList<ChatMessage>? lastTurn2 = null;
        StreamRecord? lastRecord2 = null;
        var cachedShares = new List<double>();
        ChatMessage? user1 = null;
        StreamRecord? record1 = null;

        async Task<SideValue> Turn1(int rep)
        {
            var (message, tokens) = ctx.Prompts.UserMessageDecoding(
                $"Document {rep + 1}. Read it and answer the questions.\n\n",
                4000 + rep, plan.DocTokens, _ => 0, Question1);
            var reuse = ctx.PredictReuse(tokens);
            user1 = message;
            record1 = await ctx.StreamAsync([message], options, tokens);
            var cold = record1.Usage.CachedPromptTokens <= reuse;
            return new SideValue(record1.TimeToFirstToken.TotalMilliseconds, cold, string.Create(CultureInfo.InvariantCulture,
                $"{record1.Usage.PromptTokens} prompt tokens, {record1.Usage.CachedPromptTokens} cached"));
        }

        async Task<SideValue> Turn2(int rep)
        {
            IList<ChatMessage> history = [user1!, new ChatMessage(ChatRole.Assistant, record1!.Text), new ChatMessage(ChatRole.User, Question2)];
            var tokens = ctx.Prompts.Tokenize(history);
            var r = await ctx.StreamAsync(history, options, tokens);
            var share = (double)r.Usage.CachedPromptTokens / r.Usage.PromptTokens;
            cachedShares.Add(share);
            lastTurn2 = history;
            lastRecord2 = r;
            return new SideValue(r.TimeToFirstToken.TotalMilliseconds, true, string.Create(CultureInfo.InvariantCulture,
                $"{r.Usage.PromptTokens} prompt tokens, {r.Usage.CachedPromptTokens} cached ({share:P1})"));
        }

        var outcome = await ctx.Runner.RunAsync("ttft", plan.TurnPairs, alternate: false, Turn1, Turn2, (t1, t2) => t2 / t1, ("turn1", "turn2", "ms"));
        sink.Result("ratio.ttft.turn2_vs_turn1", outcome.Ratio.Median);
        sink.Result("ms.ttft.turn1", outcome.A.Median);
        sink.Result("ms.ttft.turn2", outcome.B.Median);
        var cached = Summary.Of(cachedShares);
        sink.Result("ratio.ttft.turn2_cached_input", cached.Median);
        sink.Spread("ratio.ttft.turn2_vs_turn1", outcome.Ratio, outcome.Detail);
        sink.Spread("ms.ttft.turn1", outcome.A, string.Empty);
        sink.Spread("ms.ttft.turn2", outcome.B, string.Empty);
        sink.Spread("ratio.ttft.turn2_cached_input", cached, "(CachedInputTokenCount / InputTokenCount of turn 2)");
        sink.Note($"ttft: document {plan.DocTokens} tokens, {plan.AnswerTokens} greedy tokens per answer; SwaFull={ctx.ModelOptions.SwaFull}");

        if (plan.ColdCheck && lastTurn2 is not null && lastRecord2 is not null)
        {
            await ColdCheckAsync(ctx, lastTurn2, lastRecord2, options);
        }
    }

    /// <summary>Decodes turn 2 cold in a second context and compares the greedy output with the cached run's.</summary>
    private static async Task ColdCheckAsync(BenchmarkContext ctx, IList<ChatMessage> history, StreamRecord warm, ChatOptions options)
    {
        ctx.Sink.Info("ttft: decoding the last turn 2 cold in a second context to compare outputs");
        using var coldModel = await Gemma4Model.LoadAsync(ctx.ModelOptions, cancellationToken: ctx.CancellationToken);
        using var coldClient = new Gemma4ChatClient(coldModel);
        var cold = await StreamRecord.RunAsync(coldClient, history, options, ctx.CancellationToken);
        var same = warm.Tokens.SequenceEqual(cold.Tokens) && warm.Text == cold.Text;
        var prefix = ((ReadOnlySpan<int>)[.. warm.Tokens]).CommonPrefixLength([.. cold.Tokens]);
        ctx.Sink.Check("ttft.turn2_matches_cold", same, string.Create(CultureInfo.InvariantCulture,
            $"({prefix} of {cold.Tokens.Count} tokens identical; cold turn 2 had {cold.Usage.CachedPromptTokens} cached tokens and a time to first token of {cold.TimeToFirstToken.TotalMilliseconds:F0} ms)"));
        ctx.Sink.Result("ms.ttft.turn2_cold", cold.TimeToFirstToken.TotalMilliseconds);
    }
}
