namespace Gemma4.AI.Benchmarks.Options;

/// <summary>Sizes and repetition counts of one run, derived from the mode and the overrides.</summary>
/// <param name="PpTokens">Prompt tokens decoded per pp measurement (pp512).</param>
/// <param name="PpPairs">Clean native/chat-client pairs wanted for the pp ratio.</param>
/// <param name="TgTokens">Single-token decodes per tg measurement (tg128 in full runs).</param>
/// <param name="TgPairs">Clean pairs wanted for the tg ratio.</param>
/// <param name="TgPromptTokens">Length of the prompt that precedes generation.</param>
/// <param name="DocTokens">Size of the document in the first user turn of the turn-2 figure.</param>
/// <param name="TurnPairs">Clean turn-1/turn-2 conversations wanted.</param>
/// <param name="AnswerTokens">Tokens generated per turn of that conversation.</param>
/// <param name="Streams">Sequences of both contexts: the most concurrent streams of the concurrency figure.</param>
/// <param name="ConcurrentTokens">Tokens each stream generates.</param>
/// <param name="ConcurrentPairs">Clean single/concurrent pairs wanted.</param>
/// <param name="ContextSize">Context size of both sides (fits the document conversation and the cached streams).</param>
/// <param name="EmbeddingTexts">Texts per rep of the embeddings figure on the tiny model (a tenth of them on the EmbeddingGemma 300M shape).</param>
/// <param name="ConcurrentStreams">The stream counts the concurrency figure measures, each against one stream.</param>
/// <param name="MediaPairs">Clean native/chat-client pairs wanted for the image time-to-first-token ratio (and encodes per side).</param>
/// <param name="ColdCheck">Whether to decode turn 2 cold once, in a second context, to compare the greedy outputs.</param>
/// <param name="ExtraPairBudget">Time into the run after which contaminated pairs are no longer replaced (keeps --quick under 10 minutes).</param>
internal sealed record BenchmarkPlan(
    int PpTokens,
    int PpPairs,
    int TgTokens,
    int TgPairs,
    int TgPromptTokens,
    int DocTokens,
    int TurnPairs,
    int AnswerTokens,
    int Streams,
    int ConcurrentTokens,
    int ConcurrentPairs,
    int ContextSize,
    int EmbeddingTexts,
    IReadOnlyList<int> ConcurrentStreams,
    int MediaPairs,
    bool ColdCheck,
    TimeSpan ExtraPairBudget)
{
    /// <summary>Texts per embeddings rep outside the smoke mode.</summary>
    public const int EmbeddingTextsDefault = 1000;

    /// <summary>Most extra pairs run to replace contaminated ones, as a multiple of the pairs wanted.</summary>
    public const double ExtraPairFactor = 1.0;

    public static BenchmarkPlan For(BenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var plan = options.Mode switch
        {
            BenchmarkMode.Full => new BenchmarkPlan(
                PpTokens: 512, PpPairs: 10, TgTokens: 128, TgPairs: 10, TgPromptTokens: 64,
                DocTokens: 16384, TurnPairs: 10, AnswerTokens: 16,
                Streams: 4, ConcurrentTokens: 128, ConcurrentPairs: 10, ContextSize: 0, EmbeddingTexts: EmbeddingTextsDefault, ConcurrentStreams: [4], MediaPairs: 10, ColdCheck: true,
                ExtraPairBudget: TimeSpan.MaxValue),
            BenchmarkMode.Tiny => new BenchmarkPlan(
                PpTokens: 512, PpPairs: 3, TgTokens: 32, TgPairs: 3, TgPromptTokens: 32,
                DocTokens: 1024, TurnPairs: 2, AnswerTokens: 8,
                Streams: 4, ConcurrentTokens: 16, ConcurrentPairs: 2, ContextSize: 0, EmbeddingTexts: 200, ConcurrentStreams: [4], MediaPairs: 2, ColdCheck: true,
                ExtraPairBudget: TimeSpan.FromMinutes(1)),
            _ => new BenchmarkPlan(
                PpTokens: 512, PpPairs: 3, TgTokens: 64, TgPairs: 4, TgPromptTokens: 48,
                DocTokens: 2048, TurnPairs: 2, AnswerTokens: 8,
                Streams: 4, ConcurrentTokens: 32, ConcurrentPairs: 3, ContextSize: 0, EmbeddingTexts: EmbeddingTextsDefault, ConcurrentStreams: [4], MediaPairs: 3, ColdCheck: true,
                ExtraPairBudget: TimeSpan.FromMinutes(6.5)),
        };

        if (options.Pairs is { } pairs)
        {
            plan = plan with { PpPairs = pairs, TgPairs = pairs, TurnPairs = pairs, ConcurrentPairs = pairs, MediaPairs = pairs };
        }

        if (options.Streams is { Count: > 0 } streams)
        {
            plan = plan with { ConcurrentStreams = streams, Streams = streams.Max() };
        }

        plan = plan with
        {
            TgTokens = options.TgTokens ?? plan.TgTokens,
            DocTokens = options.DocTokens ?? plan.DocTokens,
        };

        // The document conversation, the other figures' cached sequences and some slack, in whole KiB of tokens.
        var needed = plan.DocTokens + 2 * plan.AnswerTokens + 256
            + plan.Streams * (plan.TgPromptTokens + plan.ConcurrentTokens + 64)
            + plan.PpTokens + plan.TgTokens + 1024;
        return plan with { ContextSize = Math.Max(4096, (needed + 1023) / 1024 * 1024) };
    }
}
