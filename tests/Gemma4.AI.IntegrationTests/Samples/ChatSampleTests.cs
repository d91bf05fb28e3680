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
        // The transcript shows the demo picture under /tmp/; the demo writes it under this machine's temp folder.
        var transcript = DocTranscripts.Find("Type a message; Ctrl+D to quit.").Select(Here).ToList();
        var typed = transcript.Where(l => l.StartsWith("> ", StringComparison.Ordinal)).Select(l => l[2..]).ToList();
        Assert.NotEmpty(typed);
        Assert.Contains(typed, t => t.StartsWith("/image ", StringComparison.Ordinal));

        var (exitCode, output, error) = await SampleProcess.RunAsync("Gemma4.Chat", "--demo", string.Join('\n', typed) + "\n", TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {error}");
        var printed = AsInATerminal(output, typed);
        var (i, k) = (0, 0);
        while (i < transcript.Count)
        {
            Assert.True(k < printed.Count, $"the demo stopped before line {i + 1} of the transcript ('{transcript[i]}').\n{output}");
            if (i > 0 && transcript[i - 1].StartsWith("> ", StringComparison.Ordinal) && !transcript[i].StartsWith('['))
            {
                // An answer (random-weight text, possibly several lines): up to the usage line, not compared.
                Assert.False(string.IsNullOrWhiteSpace(printed[k]), $"line {i + 1}: an answer\n{output}");
                i = SkipAnswer(transcript, i);
                k = SkipAnswer(printed, k);
                continue;
            }

            // The generated files' names hash the generators' settings; a new generator version must not make the docs wrong.
            Assert.True(ModelFileHash().Replace(transcript[i], "-HASH.gguf") == ModelFileHash().Replace(printed[k], "-HASH.gguf"),
                $"line {i + 1} of the transcript is '{transcript[i]}'; the demo prints '{printed[k]}'.\n{output}");
            i++;
            k++;
        }
    }

    [Fact]
    public async Task Demo_AttachesImagesAndAudio_AndSaysWhyABadFileIsNotSent()
    {
        using var dir = new TempDirectory();
        var picture = dir.File("photo.jpg");
        var clip = dir.File("voice.wav");
        var broken = dir.File("broken.png");
        await File.WriteAllBytesAsync(picture, TestModels.TestMedia.Jpeg(64, 48));
        await File.WriteAllBytesAsync(clip, TestModels.TestMedia.Wav(1.0, sampleRate: 44100, channels: 2));
        await File.WriteAllBytesAsync(broken, TestModels.TestMedia.Png(64, 48)[..40]);
        var input = $"/image {picture}\n/audio {clip}\nWhat do you see and hear?\n/image {broken}\nAnd this?\n/image {dir.File("missing.png")}\nStill there?\n";

        var (exitCode, output, error) = await SampleProcess.RunAsync("Gemma4.Chat", "--demo --max-tokens 4", input, TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {error}");
        Assert.Contains("[attached photo.jpg (image/jpeg,", output, StringComparison.Ordinal);
        Assert.Contains("[attached voice.wav (audio/wav,", output, StringComparison.Ordinal);
        Assert.True(Regex.IsMatch(output, @"\[(length|stop); \d+ in \(0 cached\), \d+ out; 48 image tokens, 25 audio tokens\]"), output);
        Assert.Contains("[not sent: Message 2 (user) content 0: the 'image/png' data", output, StringComparison.Ordinal);
        Assert.Contains("[no such file: " + dir.File("missing.png") + "]", output, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(output, "[length;") + CountOf(output, "[stop;")); // the last question is answered, without media
    }

    private static string Here(string line) => line.Replace("/tmp/", Path.GetTempPath(), StringComparison.Ordinal);

    /// <summary>The index of the first line at or after <paramref name="start"/> that ends an answer: a usage line or a prompt.</summary>
    private static int SkipAnswer(List<string> lines, int start)
    {
        var i = start;
        while (i < lines.Count && !lines[i].StartsWith('[') && !lines[i].StartsWith("> ", StringComparison.Ordinal))
        {
            i++;
        }

        return i;
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
