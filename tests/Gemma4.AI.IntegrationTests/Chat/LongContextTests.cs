using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>Gemma 4's long context, for real: a 100K-token prompt at a 131072-token context.</summary>
public sealed class LongContextTests
{
    [Fact]
    public async Task HundredThousandTokenPrompt_RunsAtContext131072()
    {
        // A narrow model (1 head of 16 dims) keeps the quadratic attention affordable on CI's 2 cores; the context,
        // cache layout (sliding-window layers plus a global layer) and token counts are the real thing.
        var path = TestModels.TestModels.Gemma4(TinyModelSpec.Default with
        {
            Heads = 1,
            KvHeads = [1, 1, 1, 1],
            HeadDim = 16,
            HeadDimSwa = 16,
            HiddenSize = 64,
            FeedForward = 128,
        });
        using var model = await Gemma4Model.LoadAsync(new Gemma4ModelOptions
        {
            ModelPath = path,
            ContextSize = 131072,
            BatchSize = 4096,
            MicroBatchSize = 2048,
            Threads = 2,
            BatchThreads = 2,
            SwaFull = false,
            MaxParallelSequences = 1,
        });
        using var client = new Gemma4ChatClient(model);
        var words = new[] { "river", "mountain", "quiet", "stone", "bright", "table", "cloud", "paper" };
        var document = string.Join(' ', Enumerable.Range(0, 24500).Select(i => words[i % 8]));

        var response = await client.GetResponseAsync(document, new ChatOptions { Temperature = 0, MaxOutputTokens = 3 });

        Assert.Equal(131072, model.ContextSize);
        Assert.InRange(response.Usage!.InputTokenCount!.Value, 100_000, 131_000);
        Assert.Equal(3, response.Usage.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
    }
}
