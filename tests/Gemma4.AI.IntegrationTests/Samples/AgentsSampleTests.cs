using System.Globalization;
using System.Text.RegularExpressions;
using Gemma4.Agents;
using Gemma4.Agents.Plugins;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.Samples;

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

    [Fact]
    public async Task Demo_WithoutFolder_ListsASampleWorkspace_NotTheCurrentDirectory()
    {
        // Started from the repository root, as `dotnet run --project samples/Gemma4.Agents` is.
        var (exitCode, output, error) = await SampleProcess.RunAsync("Gemma4.Agents", "--demo", null, TimeSpan.FromMinutes(2), DocTranscripts.RepositoryRoot);

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {error}\n{output}");
        Assert.Matches(@"Workspace: .*gemma4-agents-workspace-\S+ \(sample files; --folder DIR lists yours\)", output);
        Assert.DoesNotContain(".git", output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"[\u0000-\u0008\u000b-\u001f\u007f]", output); // control characters are printed as \uXXXX
    }

    [Fact]
    public void FilesPlugin_FolderWithHiddenEntries_ListsOnlyVisibleOnes()
    {
        using var workspace = SampleWorkspace.Create();
        Directory.CreateDirectory(Path.Combine(workspace.Path, ".git", "objects"));
        File.WriteAllText(Path.Combine(workspace.Path, ".env"), "SECRET=1");
        var files = new FilesPlugin(workspace.Path);

        var root = files.ListFiles();

        Assert.Equal("budget.csv (31 bytes)\nnotes.md (36 bytes)\nphotos/", root);
        Assert.Equal("README.txt (24 bytes)", files.ListFiles("photos"));
        Assert.StartsWith("error:", files.ListFiles(".git"), StringComparison.Ordinal);
        Assert.StartsWith("error:", files.ListFiles(".git/objects"), StringComparison.Ordinal);
        Assert.StartsWith("error:", files.ListFiles(".."), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain text, ünïcödé and 🎉", "plain text, ünïcödé and 🎉")]
    [InlineData("a\nb\r\nc", "a | b | c")]
    [InlineData("tab\tstays", "tab\tstays")]
    [InlineData("\u001b[31mred\u0007", "\\u001b[31mred\\u0007")]
    [InlineData("nul\u0000 del\u007f c1\u0085", "nul\\u0000 del\\u007f c1\\u0085")]
    [InlineData("rtl\u202eoverride", "rtl\\u202eoverride")]
    public void ConsoleText_Printable_EscapesControlCharacters(string text, string expected)
    {
        Assert.Equal(expected, ConsoleText.Printable(text));
    }

    [Fact]
    public void ConsoleText_Printable_EscapesUnpairedSurrogates()
    {
        // Built here: attribute arguments cannot carry an unpaired surrogate intact.
        Assert.Equal("lone\\ud800 and \\udc00, paired 😀", ConsoleText.Printable("lone" + '\ud800' + " and " + '\udc00' + ", paired 😀"));
    }

    private static int Count(string output, string caller) =>
        int.Parse(Regex.Match(output, $"Tool calls through {caller}: (\\d+)").Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"tool call #\d+ \((Semantic Kernel|ChatClientAgent)\): (\w+)[._]")]
    private static partial Regex CallPattern();
}
