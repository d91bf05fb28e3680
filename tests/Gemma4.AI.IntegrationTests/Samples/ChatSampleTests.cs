using System.Text.RegularExpressions;
using Gemma4.AI.IntegrationTests.Support;

namespace Gemma4.AI.IntegrationTests.Samples;

/// <summary>Smoke runs of samples/Gemma4.Chat, as a user would start it.</summary>
public sealed partial class ChatSampleTests
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

    [Fact]
    public async Task Readme_DemoTranscript_IsWhatTheDemoPrints()
    {
        var transcript = DocTranscripts.Find("Type a message; Ctrl+D to quit.");
        var typed = transcript.Where(l => l.StartsWith("> ", StringComparison.Ordinal)).Select(l => l[2..]).ToList();
        Assert.NotEmpty(typed);

        var (exitCode, output, error) = await SampleProcess.RunAsync("Gemma4.Chat", "--demo", string.Join('\n', typed) + "\n", TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {error}");
        var printed = AsInATerminal(output, typed);
        Assert.True(printed.Count >= transcript.Count, output);
        for (var i = 0; i < transcript.Count; i++)
        {
            if (i > 0 && transcript[i - 1].StartsWith("> ", StringComparison.Ordinal))
            {
                Assert.False(string.IsNullOrWhiteSpace(printed[i]), $"line {i + 1}: an answer"); // random-weight text
                continue;
            }

            // The generated file's name hashes the generator's settings; a new generator version must not make the docs wrong.
            Assert.True(ModelFileHash().Replace(transcript[i], "-HASH.gguf") == ModelFileHash().Replace(printed[i], "-HASH.gguf"),
                $"line {i + 1} of the transcript is '{transcript[i]}'; the demo prints '{printed[i]}'.\n{output}");
        }
    }

    [Fact]
    public void Docs_EveryDotnetRunCommand_BuildsRelease()
    {
        // A newcomer copies the first command: without -c Release it builds Debug, and the test command then builds Release again.
        var files = Directory.EnumerateFiles(Path.Combine(DocTranscripts.RepositoryRoot, "docs"), "*.md").Prepend(Path.Combine(DocTranscripts.RepositoryRoot, "README.md"));
        var commands = files.SelectMany(f => File.ReadLines(f).Select(l => (File: Path.GetFileName(f), Line: l)))
            .Where(x => x.Line.Contains("dotnet run ", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(commands);
        Assert.All(commands, x => Assert.True(x.Line.Contains("-c Release", StringComparison.Ordinal), $"{x.File}: {x.Line}"));
    }

    /// <summary>
    /// Output as a terminal shows it: there the typed line is echoed after the "> " prompt and the answer starts on the
    /// next line; with input piped, the answer follows the prompt directly.
    /// </summary>
    private static List<string> AsInATerminal(string output, List<string> typed)
    {
        var lines = new List<string>();
        var next = 0;
        foreach (var line in output.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.StartsWith("> ", StringComparison.Ordinal) && next < typed.Count)
            {
                lines.Add("> " + typed[next++]);
                lines.Add(line[2..]);
            }
            else
            {
                lines.Add(line);
            }
        }

        return lines;
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

    [GeneratedRegex("-[0-9a-f]{20}\\.gguf")]
    private static partial Regex ModelFileHash();
}
