using System.Diagnostics;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>Cancelling a request stops native work quickly and leaves the client usable.</summary>
public sealed class CancellationTests
{
    [Fact]
    public async Task Cancel_DuringALongPromptDecode_ReturnsQuickly_AbortsTheDecode_AndTheClientStaysUsable()
    {
        var path = TestModels.TestModels.Gemma4();
        var logs = new LogCapture();

        // One llama_decode call covers the whole prompt (large batch), so only the abort callback can stop it early.
        var options = TinyChatModel.Options(path);
        options.ContextSize = 65536;
        options.BatchSize = 65536;
        options.MicroBatchSize = 512;
        using var model = await Gemma4Model.LoadAsync(options, logs);
        using var client = new Gemma4ChatClient(model);
        var document = string.Join(' ', Enumerable.Range(0, 1000).Select(i => $"item {i} of a long list,"));
        var promptTokens = model.CountTokens(document);
        Assert.True(promptTokens > 10000, $"the prompt has only {promptTokens} tokens");

        using var cts = new CancellationTokenSource();
        var request = client.GetResponseAsync(document, new ChatOptions { Temperature = 0, MaxOutputTokens = 4 }, cts.Token);
        await Task.Delay(400);
        Assert.False(request.IsCompleted, "the long prompt decode finished before it could be cancelled");

        var watch = Stopwatch.StartNew();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        var cancelLatency = watch.Elapsed;

        // The client works at once: the next request does not wait for the rest of the aborted decode.
        var next = await client.GetResponseAsync("Short question.", new ChatOptions { Temperature = 0, MaxOutputTokens = 4 });

        Assert.True(cancelLatency < TimeSpan.FromMilliseconds(200), $"cancellation took {cancelLatency.TotalMilliseconds:F0} ms");
        Assert.Equal(4, next.Usage!.OutputTokenCount);
        Assert.Contains(logs.Entries, e => e.Message.Contains("was aborted for a cancelled request", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancel_WithUpdatesAlreadyBuffered_DeliversNoFurtherUpdate()
    {
        var logs = new LogCapture();
        using var model = await Gemma4Model.LoadAsync(TinyChatModel.Options(TestModels.TestModels.Gemma4()), logs);
        using var client = new Gemma4ChatClient(model);
        using var cts = new CancellationTokenSource();
        await using var stream = client.GetStreamingResponseAsync("hi", new ChatOptions { Temperature = 0, MaxOutputTokens = 24 }, cts.Token)
            .GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());

        // Let the engine finish the request: the rest of its updates (and the final one) now wait in the stream's buffer.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!logs.Entries.Any(e => e.Message.Contains(": finished (", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Contains(logs.Entries, e => e.Message.Contains(": finished (", StringComparison.Ordinal));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await stream.MoveNextAsync());
    }

    [Fact]
    public async Task Cancel_BeforeTheCall_ThrowsWithoutQueueing()
    {
        var path = TestModels.TestModels.Gemma4();
        using var model = await Gemma4Model.LoadAsync(TinyChatModel.Options(path));
        using var client = new Gemma4ChatClient(model);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("hi", cancellationToken: cts.Token));
        var ok = await client.GetResponseAsync("hi", new ChatOptions { Temperature = 0, MaxOutputTokens = 2 });
        Assert.Equal(2, ok.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task AbandonedStream_FreesItsSequence()
    {
        var path = TestModels.TestModels.Gemma4();
        var options = TinyChatModel.Options(path);
        options.MaxParallelSequences = 1;
        using var model = await Gemma4Model.LoadAsync(options);
        using var client = new Gemma4ChatClient(model);

        // Read two updates of an endless answer, then walk away.
        await foreach (var _ in client.GetStreamingResponseAsync("Ramble on.", EndlessOptions.Create()).Take(2))
        {
        }

        // With a single sequence, this only completes if the abandoned one was released.
        var next = await client.GetResponseAsync("Next.", new ChatOptions { Temperature = 0, MaxOutputTokens = 3 }).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, next.Usage!.OutputTokenCount);
    }
}
