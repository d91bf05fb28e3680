using Gemma4.AI.Engine;
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
