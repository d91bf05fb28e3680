using System.Globalization;
using System.Text.RegularExpressions;
using Gemma4.AI.IntegrationTests.Support;

namespace Gemma4.AI.IntegrationTests.Samples;

/// <summary>Smoke runs of samples/Gemma4.Rag on the generated tiny models (answers are noise; the structure is checked).</summary>
public sealed partial class RagSampleTests
{
    [Fact]
    public async Task Demo_StuffMode_Ingests20Documents_AnswersWithSources_AndReusesTheCacheOnTheFollowUp()
    {
        var (exitCode, output, error) = await SampleProcess.RunAsync("Gemma4.Rag", "--demo --mode stuff",
            "What is the return policy?\nAnd for helmets?\n", TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {error}\n{output}");
        Assert.Contains("RANDOM weights", output, StringComparison.Ordinal);
        Assert.Contains("Ingested 20 documents", output, StringComparison.Ordinal);
        Assert.Contains("1 longer than 256 tokens were chunked", output, StringComparison.Ordinal);
        Assert.Contains("Context: 20 of 20 documents", output, StringComparison.Ordinal);
        var turns = Turns(output);
        Assert.Equal(2, turns.Count);
        Assert.Equal(0, turns[0].Cached);
        Assert.True(turns[1].Cached > turns[0].Prompt / 2, $"the follow-up reused the first turn's KV cache: {turns[1].Cached} of {turns[1].Prompt}");
        AssertSources(output, 2);
    }

    [Fact]
    public async Task Demo_RetrieveMode_CitesTopChunksEachTurn()
    {
        var (exitCode, output, error) = await SampleProcess.RunAsync("Gemma4.Rag", "--demo --mode retrieve --top-k 3",
            "Who do I ask when in doubt?\nWhen does the shop open?\n", TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {error}\n{output}");
        Assert.Contains("Ingested 20 documents", output, StringComparison.Ordinal);
        Assert.Equal(2, Turns(output).Count);
        var sources = AssertSources(output, 2);
        Assert.All(sources, line => Assert.Equal(3, PartPattern().Count(line)));
        Assert.True(Turns(output)[1].Cached > 0, "the follow-up's prompt starts with the first turn");
    }

    private static List<(int Prompt, int Cached)> Turns(string output) =>
        [.. TurnPattern().Matches(output).Select(m => (Parse(m.Groups[1].Value), Parse(m.Groups[2].Value)))];

    private static List<string> AssertSources(string output, int expected)
    {
        var lines = output.Split('\n').Where(l => l.StartsWith("Sources: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(expected, lines.Count);
        Assert.All(lines, l => Assert.Matches(@"^Sources: \[\d+\] [\w-]+\.(md|txt) ", l));
        return lines;
    }

    private static int Parse(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\[turn \d+: time to first token \d+ ms, prompt (\d+) tokens \((\d+) cached\)")]
    private static partial Regex TurnPattern();

    [GeneratedRegex(@"part \d+/\d+ \(")]
    private static partial Regex PartPattern();
}
