using System.Globalization;
using System.Text.RegularExpressions;
using Gemma4.AI.IntegrationTests.Support;

namespace Gemma4.AI.IntegrationTests.Samples;

/// <summary>Smoke run of samples/Gemma4.Agents: real tool calls through Semantic Kernel and ChatClientAgent (forced in --demo).</summary>
public sealed partial class AgentsSampleTests
{
    [Fact]
    public async Task Demo_CallsToolsThroughSemanticKernelAndChatClientAgent()
    {
        var (exitCode, output, error) = await SampleProcess.RunAsync("Gemma4.Agents", "--demo", null, TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {error}\n{output}");
        Assert.Contains("RANDOM weights", output, StringComparison.Ordinal);
        Assert.True(Count(output, "Semantic Kernel") >= 1, output);
        Assert.True(Count(output, "ChatClientAgent") >= 1, output);

        // Every printed call has its result (the tools really ran), and the calculator/weather/files names are the plugins'.
        var calls = CallPattern().Matches(output);
        Assert.True(calls.Count >= 2, output);
        Assert.All(calls, c => Assert.Matches("calculator|weather|files", c.Groups[2].Value));
        Assert.Equal(calls.Count, output.Split('\n').Count(l => l.TrimStart().StartsWith("result: ", StringComparison.Ordinal)));
    }

    private static int Count(string output, string caller) =>
        int.Parse(Regex.Match(output, $"Tool calls through {caller}: (\\d+)").Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"tool call #\d+ \((Semantic Kernel|ChatClientAgent)\): (\w+)[._]")]
    private static partial Regex CallPattern();
}
