using Gemma4.AI.Benchmarks.Chat;
using Gemma4.AI.Benchmarks.Measurement;
using Gemma4.AI.Benchmarks.Native;
using Gemma4.AI.Benchmarks.Options;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Benchmarks;

/// <summary>Everything a figure needs: the loaded model and chat client, the native loop, and the output.</summary>
internal sealed class BenchmarkContext(
    BenchmarkOptions options,
    BenchmarkPlan plan,
    Gemma4ModelOptions modelOptions,
    Gemma4Model model,
    Gemma4ChatClient client,
    NativeLoop? native,
    ResultSink sink,
    CpuMonitor monitor,
    IReadOnlyCollection<string> loadLog,
    CancellationToken cancellationToken)
{
    private readonly List<int[]> _cached = [];
    private readonly Lock _gate = new();

    public BenchmarkOptions Options => options;

    public BenchmarkPlan Plan => plan;

    /// <summary>The options the model was loaded with (for a second, cold context of the same model).</summary>
    public Gemma4ModelOptions ModelOptions => modelOptions;

    public Gemma4Model Model => model;

    public Gemma4ChatClient Client => client;

    /// <summary>The native loop, or null when it could not be built (native figures are then NaN).</summary>
    public NativeLoop? Native => native;

    public ResultSink Sink => sink;

    public CpuMonitor Monitor => monitor;

    /// <summary>llama.cpp's log lines of the model's load (its context report, for comparison with a native loop's).</summary>
    public IReadOnlyCollection<string> LoadLog => loadLog;

    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public PairedRunner Runner => field ??= new(monitor, sink, options.MaxOtherCpu, () => _clock.Elapsed < plan.ExtraPairBudget);

    public PromptFactory Prompts { get; } = new(model, client.Formatter);

    public CancellationToken CancellationToken => cancellationToken;

    /// <summary>
    /// How many tokens of <paramref name="prompt"/> the engine will take from its prefix cache: the longest common
    /// prefix with a sequence it holds (at most all but the last token). Tracks what this program sent; the engine
    /// holds at most <see cref="Gemma4ModelOptions.MaxParallelSequences"/> of them, so callers verify the prediction
    /// against <c>CachedInputTokenCount</c>.
    /// </summary>
    public int PredictReuse(int[] prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var best = 0;
        lock (_gate)
        {
            foreach (var cached in _cached)
            {
                best = Math.Max(best, ((ReadOnlySpan<int>)cached).CommonPrefixLength(prompt));
            }
        }

        return Math.Min(best, prompt.Length - 1);
    }

    /// <summary>Runs a streaming call through the chat client and remembers what the engine now caches.</summary>
    public async Task<StreamRecord> StreamAsync(IList<ChatMessage> messages, ChatOptions chatOptions, int[] promptTokens)
    {
        ArgumentNullException.ThrowIfNull(promptTokens);
        var record = await StreamRecord.RunAsync(client, messages, chatOptions, cancellationToken);
        // The sequence keeps the prompt and every sampled token but the last (which was never decoded).
        lock (_gate)
        {
            _cached.Add(record.SawEveryToken ? [.. promptTokens, .. record.Tokens.Take(record.Tokens.Count - 1)] : promptTokens);
        }

        return record;
    }
}
