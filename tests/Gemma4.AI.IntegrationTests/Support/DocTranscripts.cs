using System.Reflection;
using System.Text.RegularExpressions;

namespace Gemma4.AI.IntegrationTests.Support;

/// <summary>The <c>```text</c> blocks of README.md and docs/*.md: the transcripts that show what a sample prints.</summary>
internal static partial class DocTranscripts
{
    public static string RepositoryRoot =>
        typeof(DocTranscripts).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>The lines of the one transcript that contains <paramref name="marker"/>; fails if there is none or several.</summary>
    public static IReadOnlyList<string> Find(string marker)
    {
        var docs = Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "docs"), "*.md", SearchOption.AllDirectories)
            .Prepend(Path.Combine(RepositoryRoot, "README.md"));
        var blocks = docs.SelectMany(file => TextBlock().Matches(File.ReadAllText(file).ReplaceLineEndings("\n")))
            .Select(m => m.Groups[1].Value)
            .Where(b => b.Contains(marker, StringComparison.Ordinal))
            .ToList();
        Assert.True(blocks.Count == 1, $"expected one ```text block with '{marker}' in README.md and docs/, found {blocks.Count}");
        return blocks[0].TrimEnd('\n').Split('\n');
    }

    [GeneratedRegex("^```text\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex TextBlock();
}
