using System.Diagnostics;
using System.Text;
using Gemma4.AI.Engine;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Benchmarks.Chat;

/// <summary>
/// What the caller of <see cref="IChatClient.GetStreamingResponseAsync"/> observed: when the call started, when the
/// first update and the final update arrived, which tokens the updates carried, and the engine's usage.
/// </summary>
internal sealed class StreamRecord
{
    public long Start { get; private init; }

    public long FirstUpdate { get; private set; }

    public long Final { get; private set; }

    /// <summary>Tokens carried by the updates that reached the caller (updates with no visible text are not yielded).</summary>
    public List<int> Tokens { get; } = [];

    public GenerationUsage Usage { get; private set; }

    public ChatFinishReason? FinishReason { get; private set; }

    public string Text { get; private set; } = string.Empty;

    /// <summary>True when every sampled token reached the caller in its own update, so the caller's clock saw each one.</summary>
    public bool SawEveryToken => Tokens.Count == Usage.OutputTokens;

    /// <summary>
    /// Time to first token as the caller sees it: from the call to the first update. When the first token had no
    /// visible text (so no update), the engine's generation time is subtracted from the call's total instead.
    /// </summary>
    public TimeSpan TimeToFirstToken => SawEveryToken && FirstUpdate != 0
        ? Stopwatch.GetElapsedTime(Start, FirstUpdate)
        : Stopwatch.GetElapsedTime(Start, Final) - Usage.GenerationTime;

    /// <summary>Time from the first token's update to the final update: OutputTokens - 1 decode-and-sample steps.</summary>
    public TimeSpan GenerationTime => SawEveryToken && FirstUpdate != 0
        ? Stopwatch.GetElapsedTime(FirstUpdate, Final)
        : Usage.GenerationTime;

    public TimeSpan Total => Stopwatch.GetElapsedTime(Start, Final);

    /// <summary>Runs one streaming call to the end and records it.</summary>
    public static async Task<StreamRecord> RunAsync(IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var record = new StreamRecord { Start = Stopwatch.GetTimestamp() };
        var text = new StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            var now = Stopwatch.GetTimestamp();
            if (record.FirstUpdate == 0)
            {
                record.FirstUpdate = now;
            }

            if (update.RawRepresentation is GenerationUpdate raw)
            {
                if (raw.Token >= 0)
                {
                    record.Tokens.Add(raw.Token);
                }

                if (raw.IsFinal)
                {
                    record.Usage = raw.Usage;
                    record.Final = now;
                }
            }

            record.FinishReason ??= update.FinishReason;
            text.Append(update.Text);
        }

        if (record.Final == 0)
        {
            throw new InvalidOperationException("The stream ended without a final update carrying the engine's usage.");
        }

        record.Text = text.ToString();
        return record;
    }

    /// <summary>Greedy decoding of exactly <paramref name="maxTokens"/> tokens unless the model ends its turn.</summary>
    public static ChatOptions Greedy(int maxTokens) => new()
    {
        Temperature = 0,
        Seed = 1,
        MaxOutputTokens = maxTokens,
    };
}
