using Gemma4.AI.Engine;
using Gemma4.AI.IntegrationTests.Lora;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>The persistent prefix cache: a later process restores a long prefix instead of decoding it.</summary>
public sealed class PrefixCacheTests
{
    private static readonly ChatOptions Greedy = new() { Temperature = 0, MaxOutputTokens = 12 };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LongPrompt_IsSavedAndRestoredByANewModel_WithTheSameGreedyOutput(bool swaFull)
    {
        using var dir = new TempDirectory();
        var document = Document(600);
        var logs = new LogCapture();

        ChatResponse cold;
        using (var first = await Gemma4Model.LoadAsync(Options(dir.Path, swaFull), logs))
        using (var client = new Gemma4ChatClient(first))
        {
            cold = await client.GetResponseAsync(document, Greedy);
            await WaitForFileAsync(dir.Path);
        }

        // A fresh model (a new process, as far as the KV cache is concerned) restores the saved prompt.
        using var second = await Gemma4Model.LoadAsync(Options(dir.Path, swaFull), logs);
        using var restoredClient = new Gemma4ChatClient(second);
        var restored = await restoredClient.GetResponseAsync(document, Greedy);

        Assert.Equal(0, cold.Usage!.CachedInputTokenCount);
        Assert.Equal(restored.Usage!.InputTokenCount - 1, restored.Usage.CachedInputTokenCount);
        Assert.Equal(cold.Text, restored.Text);
        Assert.Contains(logs.Entries, e => e.Message.StartsWith("Prefix cache: restored", StringComparison.Ordinal));

        // A prompt that only starts like the saved one resumes inside it: that needs the whole sliding-window cache
        // (SwaFull); without it the prefix is decoded again rather than resumed from cells that are gone.
        var followUp = await restoredClient.GetResponseAsync(document + " And one more question?", Greedy);
        if (swaFull)
        {
            Assert.True(followUp.Usage!.CachedInputTokenCount > 500, $"{followUp.Usage.CachedInputTokenCount} cached");
        }
        else
        {
            Assert.Equal(0, followUp.Usage!.CachedInputTokenCount);
        }
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("tamper")]
    [InlineData("garbage")]
    public async Task DamagedCacheFile_IsRejectedWithAWarning_AndThePromptIsDecodedAgain(string damage)
    {
        using var dir = new TempDirectory();
        var document = Document(600);
        ChatResponse cold;
        using (var first = await Gemma4Model.LoadAsync(Options(dir.Path)))
        using (var client = new Gemma4ChatClient(first))
        {
            cold = await client.GetResponseAsync(document, Greedy);
            await WaitForFileAsync(dir.Path);
        }

        var file = Directory.GetFiles(dir.Path, "*" + PrefixCacheFile.Extension).Single();
        var bytes = await File.ReadAllBytesAsync(file);
        switch (damage)
        {
            case "truncate":
                await File.WriteAllBytesAsync(file, bytes.AsSpan(0, bytes.Length - 100).ToArray());
                break;
            case "tamper":
                bytes[^10] ^= 0x5A; // state bytes change: the checksum no longer matches
                await File.WriteAllBytesAsync(file, bytes);
                break;
            default:
                await File.WriteAllTextAsync(file, "not a cache file");
                break;
        }

        var logs = new LogCapture();
        using var second = await Gemma4Model.LoadAsync(Options(dir.Path), logs);
        using var client2 = new Gemma4ChatClient(second);
        var response = await client2.GetResponseAsync(document, Greedy);

        Assert.Equal(0, response.Usage!.CachedInputTokenCount);
        Assert.Equal(cold.Text, response.Text);
        Assert.Contains(logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("ignored and deleted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CacheOfAnotherModel_IsNotUsed()
    {
        using var dir = new TempDirectory();
        var document = Document(600);
        using (var first = await Gemma4Model.LoadAsync(Options(dir.Path)))
        using (var client = new Gemma4ChatClient(first))
        {
            await client.GetResponseAsync(document, Greedy);
            await WaitForFileAsync(dir.Path);
        }

        var other = TinyChatModel.Options(TestModels.TestModels.Gemma4(TestModels.TinyModelSpec.Default with { Seed = 99 }));
        other.PrefixCacheDirectory = dir.Path;
        other.PrefixCacheMinTokens = 256;
        var logs = new LogCapture();
        using var otherModel = await Gemma4Model.LoadAsync(other, logs);
        using var otherClient = new Gemma4ChatClient(otherModel);
        var response = await otherClient.GetResponseAsync(document, Greedy);

        Assert.Equal(0, response.Usage!.CachedInputTokenCount);
        Assert.Contains(logs.Entries, e => e.Message.Contains("another model", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoModelsSharingAFolder_EachRestoresOnlyItsOwnState_AndNeitherDeletesTheOthers()
    {
        using var dir = new TempDirectory();
        var document = Document(600);
        var models = await SaveWithTwoModelsAsync(dir.Path, document);

        foreach (var (options, cold, _) in models)
        {
            using var model = await Gemma4Model.LoadAsync(options);
            using var client = new Gemma4ChatClient(model);
            var restored = await client.GetResponseAsync(document, Greedy);

            Assert.Equal(restored.Usage!.InputTokenCount - 1, restored.Usage.CachedInputTokenCount);
            Assert.Equal(cold.Text, restored.Text);
        }

        Assert.Equal(2, Directory.GetFiles(dir.Path, "*" + PrefixCacheFile.Extension).Length);
    }

    [Fact]
    public async Task CacheFileReplacedByAnotherModelsAfterIndexing_IsNotRestored_NorDeleted()
    {
        using var dir = new TempDirectory();
        var document = Document(600);
        var models = await SaveWithTwoModelsAsync(dir.Path, document);
        var (optionsA, coldA, fileA) = models[0];
        var fileB = models[1].File;

        // Model A indexes its file; then model B's state (same tokens, same size, a valid checksum) takes its place.
        using var model = await Gemma4Model.LoadAsync(optionsA);
        File.Copy(fileB, fileA, overwrite: true);
        using var client = new Gemma4ChatClient(model);
        var response = await client.GetResponseAsync(document, Greedy);

        Assert.Equal(0, response.Usage!.CachedInputTokenCount);
        Assert.Equal(coldA.Text, response.Text);
        Assert.True(File.Exists(fileA));
    }

    [Fact]
    public async Task SavedPrefix_ThatFitsOnlyAfterEvictingAnIdlePrefix_IsRestored_NotDeleted()
    {
        using var dir = new TempDirectory();
        var (saved, file) = await SaveAsync(dir.Path);
        var logs = new LogCapture();
        using var model = await Gemma4Model.LoadAsync(SmallContext(dir.Path), logs);

        // An idle sequence keeps 780 cells of an unrelated prompt: the 300 saved cells fit only once they are evicted.
        await LoraRuns.GreedyAsync(model, Unrelated(model, 780), adapters: null, maxTokens: 4);
        var run = await LoraRuns.GreedyAsync(model, [.. saved, .. saved[..10]], adapters: null, maxTokens: 4);

        Assert.Equal(saved.Length, run.Usage!.Value.CachedPromptTokens);
        Assert.True(File.Exists(file));
        Assert.DoesNotContain(logs.Entries, e => e.Message.StartsWith("Prefix cache", StringComparison.Ordinal) && e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task SavedPrefix_WhileARunningRequestFillsTheContext_IsKept_AndRestoredOnceThereIsRoom()
    {
        using var dir = new TempDirectory();
        var (saved, file) = await SaveAsync(dir.Path);
        var logs = new LogCapture();
        using var model = await Gemma4Model.LoadAsync(SmallContext(dir.Path), logs);

        // 780 running cells leave no room for the 300 saved ones: the request waits until the runner ends (context full).
        var endless = new GenerationRequest(Unrelated(model, 780))
        {
            Sampling = new SamplingParameters { Temperature = 0, Grammar = new GrammarConstraint("root ::= [a-z] root") },
        };
        await using var running = model.Engine.GenerateAsync(endless).GetAsyncEnumerator();
        Assert.True(await running.MoveNextAsync());
        var waiting = LoraRuns.GreedyAsync(model, [.. saved, .. saved[..10]], adapters: null, maxTokens: 4);
        var last = running.Current;
        while (await running.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)))
        {
            last = running.Current;
        }

        Assert.Equal(StopReason.ContextFull, last.StopReason);
        var run = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(saved.Length, run.Usage!.Value.CachedPromptTokens);
        Assert.True(File.Exists(file));

        // Loaded once, when there was room: not at every step while it waited, and never refused.
        Assert.Single(logs.Entries, e => e.Message.StartsWith("Prefix cache: restored", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.StartsWith("Prefix cache", StringComparison.Ordinal) && e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    /// <summary>
    /// Model A (the default tiny model) and model B (other weights, the same shape, so equal state sizes) each save the
    /// same prompt into one folder; returns their options, cold responses and files, A first.
    /// </summary>
    private static async Task<(Gemma4ModelOptions Options, ChatResponse Cold, string File)[]> SaveWithTwoModelsAsync(string directory, string document)
    {
        var optionsB = TinyChatModel.Options(TestModels.TestModels.Gemma4(TestModels.TinyModelSpec.Default with { Seed = 99 }));
        optionsB.PrefixCacheDirectory = directory;
        optionsB.PrefixCacheMinTokens = 256;
        var result = new List<(Gemma4ModelOptions, ChatResponse, string)>();
        foreach (var options in new[] { Options(directory), optionsB })
        {
            using var model = await Gemma4Model.LoadAsync(options);
            using var client = new Gemma4ChatClient(model);
            var cold = await client.GetResponseAsync(document, Greedy);
            var before = result.Select(r => r.Item3).ToList();
            for (var i = 0; i < 200 && Directory.GetFiles(directory, "*" + PrefixCacheFile.Extension).Length <= before.Count; i++)
            {
                await Task.Delay(25);
            }

            // B's start neither deleted A's file nor wrote over it.
            var files = Directory.GetFiles(directory, "*" + PrefixCacheFile.Extension);
            Assert.Equal(before.Count + 1, files.Length);
            Assert.All(before, f => Assert.Contains(f, files));
            result.Add((options, cold, files.Except(before).Single()));
        }

        return [.. result];
    }

    /// <summary>A 1024-token context with two sequences, where a saved 300-token prefix and a 780-token prompt do not both fit.</summary>
    private static Gemma4ModelOptions SmallContext(string directory)
    {
        var options = Options(directory);
        options.ContextSize = 1024;
        options.MaxParallelSequences = 2;
        return options;
    }

    /// <summary>Saves a 300-token prompt with a model of its own and returns the prompt and its file.</summary>
    private static async Task<(int[] Prompt, string File)> SaveAsync(string directory)
    {
        using var model = await Gemma4Model.LoadAsync(SmallContext(directory));
        var prompt = model.Tokenizer.TokenizeContent(Document(300))[..300];
        await LoraRuns.GreedyAsync(model, prompt, adapters: null, maxTokens: 4);
        await WaitForFileAsync(directory);
        return (prompt, Directory.GetFiles(directory, "*" + PrefixCacheFile.Extension).Single());
    }

    /// <summary>A prompt sharing no first token with <see cref="Document"/>, so no sequence plans to reuse it for one.</summary>
    private static int[] Unrelated(Gemma4Model model, int length) =>
        model.Tokenizer.TokenizeContent(string.Join(' ', Enumerable.Range(0, length).Select(i => $"x{i % 41}")))[..length];

    private static Gemma4ModelOptions Options(string directory, bool swaFull = false)
    {
        var options = TinyChatModel.Options(TestModels.TestModels.Gemma4());
        options.SwaFull = swaFull;
        options.PrefixCacheDirectory = directory;
        options.PrefixCacheMinTokens = 256;
        return options;
    }

    private static string Document(int words) => string.Join(' ', Enumerable.Range(0, words).Select(i => $"w{i % 37}"));

    private static async Task WaitForFileAsync(string directory)
    {
        for (var i = 0; i < 200 && Directory.GetFiles(directory, "*" + PrefixCacheFile.Extension).Length == 0; i++)
        {
            await Task.Delay(25);
        }

        Assert.NotEmpty(Directory.GetFiles(directory, "*" + PrefixCacheFile.Extension));
    }
}
