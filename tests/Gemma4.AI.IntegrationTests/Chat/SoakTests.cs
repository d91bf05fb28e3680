using System.ComponentModel;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>
/// The bad-input catalogue's soak and concurrency cases, bounded: a mixed workload (streams cancelled at random points,
/// required tool calls, JSON answers, stop sequences, raw grammars, histories that must be cut, invalid Unicode) through
/// one model with a small queue; every request ends as documented and the engine is left as it was.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class SoakTests
{
    private const int Requests = 96;

    [Fact]
    public async Task MixedWorkload_EveryRequestEndsAsDocumented_AndTheEngineIsLeftAsItWas()
    {
        var options = TinyChatModel.Options(TestModels.TestModels.Gemma4());
        options.ContextSize = 2048;
        options.MaxParallelSequences = 4;
        options.MaxQueuedRequests = 4;
        using var model = await Gemma4Model.LoadAsync(options);
        using var client = new Gemma4ChatClient(model, new Gemma4ChatClientOptions { ContextOverflow = Gemma4ContextOverflowPolicy.DropOldestMessages });
        var greedy = new ChatOptions { Temperature = 0, MaxOutputTokens = 8 };
        var before = (await client.GetResponseAsync("Are you still the same?", greedy)).Text;
        // Earlier tests' sockets and files may still close (finalizers, idle pooled connections) while this one runs:
        // settle what can be settled, and count only growth as a leak.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var descriptors = Directory.GetFiles("/proc/self/fd").Length;

        var outcomes = new List<string>();
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, Requests).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var outcome = await RunAsync(client, i);
                lock (outcomes)
                {
                    outcomes.Add(outcome);
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        var after = (await client.GetResponseAsync("Are you still the same?", greedy)).Text;

        Assert.Equal(Requests, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o is "stop" or "length" or "tool_calls" or "cancelled", o));
        Assert.Contains("cancelled", outcomes);
        Assert.Contains("tool_calls", outcomes);
        Assert.Equal(before, after);
        var growth = Directory.GetFiles("/proc/self/fd").Length - descriptors;
        Assert.True(growth <= 4, $"{growth} more file descriptors after the workload than before it");
    }

    [Fact]
    public async Task DisposeFromSeveralThreadsWhileRequestsRun_FailsThemWithObjectDisposed_Only()
    {
        var model = await Gemma4Model.LoadAsync(TinyChatModel.Options(TestModels.TestModels.Gemma4()));
        var client = new Gemma4ChatClient(model);
        var running = Enumerable.Range(0, 12).Select(async i =>
        {
            try
            {
                await client.GetResponseAsync($"Request {i}", new ChatOptions { MaxOutputTokens = 64, RawRepresentationFactory = _ => new Gemma4GenerationOptions { Grammar = "root ::= [a-z]+" } });
                return "done";
            }
            catch (ObjectDisposedException)
            {
                return "disposed";
            }
        }).ToList();

        await Task.Delay(20);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            model.Dispose();
            client.Dispose();
        })));
        var results = await Task.WhenAll(running);

        Assert.All(results, r => Assert.True(r is "done" or "disposed"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync("after"));
    }

    private static async Task<string> RunAsync(Gemma4ChatClient client, int i)
    {
        var history = new List<ChatMessage>();
        if (i % 7 == 0)
        {
            // Longer than the context: DropOldestMessages cuts it.
            history.AddRange(Enumerable.Range(0, 300).Select(j => new ChatMessage(j % 2 == 0 ? ChatRole.User : ChatRole.Assistant, $"old message {j} about rivers")));
        }

        history.Add(new ChatMessage(ChatRole.User, i % 5 == 0 ? $"Broken \ud800 text {i}" : $"Question {i}?"));
        var options = new ChatOptions { Temperature = 1, Seed = i, MaxOutputTokens = 4 + (i % 9) };
        switch (i % 6)
        {
            case 1:
                options.Tools = [AIFunctionFactory.Create(([Description("a count")] int n, string city) => n, "count_things")];
                options.ToolMode = ChatToolMode.RequireAny;
                options.MaxOutputTokens = 48;
                options.RawRepresentationFactory = _ => new Gemma4GenerationOptions { MaxConstrainedStringLength = 6 };
                break;
            case 2:
                options.ResponseFormat = ChatResponseFormat.Json;
                break;
            case 3:
                options.StopSequences = ["a", "e"];
                break;
            case 4:
                options.RawRepresentationFactory = _ => new Gemma4GenerationOptions { Grammar = "root ::= [a-z ]{1,20}" };
                break;
        }

        using var cancel = new CancellationTokenSource();
        var cancelAfter = i % 4 == 0 ? 1 + (i % 3) : int.MaxValue;
        try
        {
            ChatFinishReason? finish = null;
            var updates = 0;
            await foreach (var update in client.GetStreamingResponseAsync(history, options, cancel.Token))
            {
                finish ??= update.FinishReason;
                if (++updates == cancelAfter)
                {
                    await cancel.CancelAsync();
                }
            }

            return finish?.Value ?? "no finish reason";
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return "cancelled";
        }
        catch (Exception ex)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }
}
