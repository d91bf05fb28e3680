using Gemma4.AI.IntegrationTests.Support;

namespace Gemma4.AI.IntegrationTests.Samples;

/// <summary>Smoke runs of samples/Gemma4.Chat, as a user would start it.</summary>
public sealed class ChatSampleTests
{
    [Fact]
    public async Task Demo_StreamsAnswers_AndExitsCleanlyWhenStdinCloses()
    {
        var (exitCode, output, error) = await SampleProcess.RunAsync("Gemma4.Chat", "--demo --max-tokens 12", "Hello there\nAnd again\n", TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {error}");
        Assert.Contains("RANDOM weights", output, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(output, "[length;") + CountOf(output, "[stop;"));
        Assert.Contains("cached)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoModel_ExplainsWhereToGetOne_AndExitsNonZero()
    {
        var (exitCode, _, error) = await SampleProcess.RunAsync("Gemma4.Chat", string.Empty, null, TimeSpan.FromMinutes(1));

        Assert.Equal(1, exitCode);
        Assert.Contains("Hugging Face", error, StringComparison.Ordinal);
        Assert.Contains("--demo", error, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
