using System.Diagnostics;
using Gemma4.AI.Chat;
using Gemma4.AI.Engine;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gemma4.AI.IntegrationTests.Multimodal;

/// <summary>Media in the decode loop: concurrency, cancellation during an encode, quantized KV, context limits.</summary>
public sealed class MediaEngineTests
{
    // As in ConcurrencyTests: a batched decode may differ from a solo one by ~5e-4 in a logit, so a greedy choice
    // between logits closer than this can legitimately flip; comparisons stop at the first such near-tie.
    private const float NearTie = 0.004f;

    [Fact]
    public async Task FourConcurrentRequestsWithDifferentImages_EachMatchItsSoloRun()
    {
        var images = Enumerable.Range(0, 4).Select(i => new ChatMessage(ChatRole.User,
            [new TextContent($"Picture {i}:"), new DataContent(i % 2 == 0 ? TestMedia.Png(320 + (i * 48), 240, i) : TestMedia.Bmp(200, 150 + (i * 30), i), i % 2 == 0 ? "image/png" : "image/bmp"), new TextContent("What is it?")]))
            .ToArray();

        var solo = new List<(int[] Tokens, List<float> Gaps)>();
        foreach (var message in images)
        {
            using var fresh = await Gemma4Model.LoadAsync(MediaModel.Options());
            solo.Add(await RunAsync(fresh, message, gaps: true));
        }

        using var shared = await Gemma4Model.LoadAsync(MediaModel.Options());
        var concurrent = await Task.WhenAll(images.Select(m => RunAsync(shared, m, gaps: false)));

        var compared = 0;
        for (var i = 0; i < images.Length; i++)
        {
            var (expected, gaps) = solo[i];
            var firstNearTie = gaps.FindIndex(g => g < NearTie);
            var length = firstNearTie < 0 ? expected.Length : firstNearTie;
            var same = expected.AsSpan(0, length).CommonPrefixLength(concurrent[i].Tokens);
            Assert.True(same == length, $"request {i} diverged from its solo run at token {same} before any near-tie (first at {firstNearTie})");
            compared += length;
        }

        Assert.True(compared >= images.Length * 16 / 2, $"only {compared} tokens were compared");
    }

    [Fact]
    public async Task Cancel_DuringAnImageEncode_AbortsIt_ReturnsPromptly_AndTheClientStaysUsable()
    {
        // A heavier vision encoder so that one encode takes long enough to be cancelled in the middle.
        var slow = TinyProjectorSpec.VisionOnly with { VisionWidth = 128, VisionHeads = 2, VisionFeedForward = 512, VisionBlocks = 6, Name = "gemma4-slow-vision" };
        var logs = new LogCapture();
        using var model = await Gemma4Model.LoadAsync(MediaModel.Options(slow), logs);
        using var client = new Gemma4ChatClient(model);
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 1 };
        List<ChatMessage> Ask(int seed) => [new(ChatRole.User, [new DataContent(TestMedia.Png(1600, 1200, seed), "image/png")])];

        var full = await client.GetResponseAsync(Ask(1), options);
        var encodeMs = full.Usage!.AdditionalCounts![UsageKeys.MediaEncodeMilliseconds];
        Assert.True(encodeMs >= 300, $"the encode took only {encodeMs} ms: too short to cancel in the middle");

        using var cts = new CancellationTokenSource();
        var encodes = logs.Entries.Count(e => e.Message.Contains("encoding Image of 266 tokens", StringComparison.Ordinal));
        var request = client.GetResponseAsync(Ask(2), options, cts.Token);
        while (logs.Entries.Count(e => e.Message.Contains("encoding Image of 266 tokens", StringComparison.Ordinal)) == encodes)
        {
            await Task.Delay(5);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(encodeMs / 5.0));
        var watch = Stopwatch.StartNew();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        // The stream ends at once; the decode loop stops the native encode at its next check, well before it would end.
        bool Aborted() => logs.Entries.Any(e => e.Message.Contains("the encode or decode of 266 media tokens was aborted", StringComparison.Ordinal));
        while (!Aborted() && watch.ElapsedMilliseconds < encodeMs * 2)
        {
            await Task.Delay(2);
        }

        var latency = watch.Elapsed;
        Assert.True(Aborted(), "the encode was not aborted: " + string.Join(" | ", logs.Entries.Where(e => e.Message.StartsWith("Sequence", StringComparison.Ordinal)).Select(e => e.Message)));
        Assert.True(latency.TotalMilliseconds < encodeMs / 2.0, $"the encode stopped {latency.TotalMilliseconds:F0} ms after cancellation (a whole encode takes {encodeMs} ms)");
        var next = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Short question.")], options);
        Assert.Equal(1, next.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task QuantizedKvCache_TakesImages_Deterministically()
    {
        var options = MediaModel.Options();
        options.KeyCacheType = Gemma4KvCacheType.Q8_0;
        options.ValueCacheType = Gemma4KvCacheType.Q8_0;
        using var model = await Gemma4Model.LoadAsync(options);
        using var client = new Gemma4ChatClient(model);
        List<ChatMessage> ask = [new(ChatRole.User, [new DataContent(TestMedia.Png(320, 240, 3), "image/png"), new TextContent("Describe it."), new DataContent(TestMedia.Wav(1), "audio/wav")])];
        var greedy = new ChatOptions { Temperature = 0, MaxOutputTokens = 8 };

        var first = await client.GetResponseAsync(ask, greedy);
        var second = await client.GetResponseAsync(ask, greedy);

        Assert.Equal(8, first.Usage!.OutputTokenCount);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(48, first.Usage.AdditionalCounts![UsageKeys.InputImageTokens]);
    }

    [Fact]
    public async Task MediaCountAgainstTheContext_OverflowThrows_AndDropOldestDropsOldMedia()
    {
        var options = MediaModel.Options();
        options.ContextSize = 512;
        using var model = await Gemma4Model.LoadAsync(options);
        ChatMessage Picture(int seed) => new(ChatRole.User, [new DataContent(TestMedia.Png(1600, 1200, seed), "image/png"), new TextContent("What is it?")]);
        List<ChatMessage> history = [Picture(1), new(ChatRole.Assistant, "A picture."), Picture(2), new(ChatRole.Assistant, "Another."), new(ChatRole.User, "Thanks; which was brighter?")];

        using var strict = new Gemma4ChatClient(model);
        var overflow = Assert.Throws<Gemma4ContextOverflowException>(() => strict.GetStreamingResponseAsync(history));
        Assert.True(overflow.Message.Contains("512", StringComparison.Ordinal), overflow.Message);

        using var dropping = new Gemma4ChatClient(model, new Gemma4ChatClientOptions { ContextOverflow = Gemma4ContextOverflowPolicy.DropOldestMessages });
        var response = await dropping.GetResponseAsync(history, new ChatOptions { Temperature = 0, MaxOutputTokens = 4 });

        // Two images of 266 tokens cannot fit 512 with room for the answer: the oldest one (and its reply) went.
        Assert.Equal(266, response.Usage!.AdditionalCounts![UsageKeys.InputImageTokens]);
        Assert.True(response.Usage.InputTokenCount <= 512 - 128, $"{response.Usage.InputTokenCount} input tokens");
    }

    [Fact]
    public async Task PersistentPrefixCache_StoresNoPromptWithMedia_ButTextPromptsAsBefore()
    {
        using var dir = new TempDirectory();
        var options = MediaModel.Options();
        options.PrefixCacheDirectory = dir.Path;
        options.PrefixCacheMinTokens = 32;
        using var model = await Gemma4Model.LoadAsync(options);
        using var client = new Gemma4ChatClient(model);
        var greedy = new ChatOptions { Temperature = 0, MaxOutputTokens = 2 };
        var text = string.Join(' ', Enumerable.Range(0, 80).Select(i => $"w{i % 13}"));

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new TextContent(text), new DataContent(TestMedia.Png(320, 240), "image/png")])], greedy);
        await client.GetResponseAsync("Another text: " + text, greedy); // no prefix shared with the first (the whole prompt is new)

        // Saving runs on the decode loop right after the prompt: the text prompt's file appears, the media prompt's never.
        var files = Directory.GetFiles(dir.Path, "*" + PrefixCacheFile.Extension);
        for (var i = 0; i < 200 && files.Length == 0; i++)
        {
            await Task.Delay(25);
            files = Directory.GetFiles(dir.Path, "*" + PrefixCacheFile.Extension);
        }

        await Task.Delay(200);
        Assert.Single(Directory.GetFiles(dir.Path, "*" + PrefixCacheFile.Extension)); // both prompts were long enough to be saved
    }

    private static async Task<(int[] Tokens, List<float> Gaps)> RunAsync(Gemma4Model model, ChatMessage message, bool gaps)
    {
        using var client = new Gemma4ChatClient(model);
        var turn = ChatTurnPlanner.Plan(client, model, client.Formatter, [message], null, null, new Gemma4ChatClientOptions(), NullLogger.Instance, CancellationToken.None);
        var recorded = gaps ? new List<float>() : null;
        var request = new GenerationRequest(turn.Request.PromptTokens)
        {
            Media = turn.Request.Media,
            Sampling = new SamplingParameters { Temperature = 0 },
            MaxOutputTokens = 16,
            LogitGaps = recorded,
        };
        var tokens = new List<int>();
        await foreach (var update in model.Engine.GenerateAsync(request))
        {
            if (update.Token >= 0)
            {
                tokens.Add(update.Token);
            }
        }

        return (tokens.ToArray(), recorded ?? []);
    }
}
