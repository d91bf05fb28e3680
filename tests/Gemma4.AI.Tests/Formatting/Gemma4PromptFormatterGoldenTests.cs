using Gemma4.AI.Formatting;

namespace Gemma4.AI.Tests.Formatting;

/// <summary>Compares the formatter with prompts rendered by Jinja2 from the official template (Golden/expected.json).</summary>
public sealed class Gemma4PromptFormatterGoldenTests
{
    public static TheoryData<string, string> Prompts()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, variant) in GoldenCases.All())
        {
            data.Add(name, variant);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Prompts))]
    public void Format_GoldenCase_MatchesTemplateExactly(string name, string variant)
    {
        var prompt = FormatCase(name, variant);

        AssertSameText(GoldenCases.ExpectedText(name, variant), prompt.Text);
    }

    [Theory]
    [MemberData(nameof(Prompts))]
    public void FormatPrompt_GoldenCase_SegmentsCoverTextAndFlagOpenThought(string name, string variant)
    {
        var prompt = FormatCase(name, variant);

        var position = 0;
        PromptSegment? previous = null;
        foreach (var segment in prompt.Segments)
        {
            Assert.Equal(position, segment.Start);
            Assert.True(segment.Length > 0);
            if (previous?.IsContent == segment.IsContent)
            {
                // Kinds alternate, except that template text is split where a message starts (for token counts).
                Assert.False(segment.IsContent);
                Assert.Contains(prompt.MessageStarts, s => s.Offset == segment.Start);
            }

            position += segment.Length;
            previous = segment;
        }

        Assert.Equal(prompt.Text.Length, position);
        Assert.Equal(prompt.MessageStarts.OrderBy(s => s.Offset).ThenBy(s => s.Message), prompt.MessageStarts);
        Assert.False(prompt.Segments[0].IsContent);
        Assert.StartsWith("<bos>", prompt.Text, StringComparison.Ordinal);
        Assert.Equal(prompt.Text.EndsWith("<|channel>thought\n", StringComparison.Ordinal), prompt.EndsInsideThought);
    }

    [Fact]
    public void Golden_Cases_AreAllRenderedForBothVariants()
    {
        var names = GoldenCases.CaseNames();

        Assert.True(names.Count >= 45);
        Assert.Equal(names.Count * 2, GoldenCases.All().Count());
    }

    [Fact]
    public void Golden_Expected_ComesFromTemplateRevision68abe48()
    {
        var template = GoldenCases.ExpectedDocument.GetProperty("template");

        Assert.Equal("68abe48 (Published 2026-07-09)", template.GetProperty("revision").GetString());
        Assert.Equal("0a2c8073c878ab1da004bee933a998606537bbb62016310352c7285c3f01c5b5", template.GetProperty("small").GetProperty("sha256").GetString());
        Assert.Equal("ae53464bf3be25802b3a5b37def7fd89667067d7577049b3b2d74c4d8de4c6d4", template.GetProperty("large").GetProperty("sha256").GetString());
    }

    private static Gemma4Prompt FormatCase(string name, string variant)
    {
        var testCase = GoldenCases.Case(name);
        var formatter = new Gemma4PromptFormatter(variant == "large" ? Gemma4TemplateVariant.Large : Gemma4TemplateVariant.Small)
        {
            PreserveThinking = GoldenCases.PreserveThinking(testCase),
        };
        return formatter.FormatPrompt(GoldenCases.Messages(testCase), GoldenCases.Options(testCase), GoldenCases.AddGenerationPrompt(testCase));
    }

    private static void AssertSameText(string expected, string actual)
    {
        if (expected == actual)
        {
            return;
        }

        var i = 0;
        while (i < expected.Length && i < actual.Length && expected[i] == actual[i])
        {
            i++;
        }

        var from = Math.Max(0, i - 60);
        Assert.Fail(
            $"First difference at index {i} (expected length {expected.Length}, actual {actual.Length}).\n" +
            $"expected: …{Escape(expected[from..Math.Min(expected.Length, i + 60)])}\n" +
            $"actual:   …{Escape(actual[from..Math.Min(actual.Length, i + 60)])}");
    }

    private static string Escape(string text) => text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
}
