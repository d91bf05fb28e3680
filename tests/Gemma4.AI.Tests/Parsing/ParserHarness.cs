using System.Text;
using System.Text.Json;
using Gemma4.AI.Parsing;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Parsing;

/// <summary>Feeds text to the parser in pieces and reduces contents to a comparable form.</summary>
internal static class ParserHarness
{
    /// <summary>Parses <paramref name="text"/> fed as pieces cut at <paramref name="cuts"/> (ascending offsets).</summary>
    public static List<AIContent> ParsePieces(string text, IEnumerable<int> cuts, bool startsInsideThought = false, bool useSpans = false)
    {
        var parser = new Gemma4OutputParser(startsInsideThought);
        var output = new List<AIContent>();
        var start = 0;
        foreach (var cut in cuts.Append(text.Length))
        {
            if (useSpans)
            {
                parser.Append(text.AsSpan(start, cut - start), output);
            }
            else
            {
                parser.Append(text[start..cut], output);
            }

            start = cut;
        }

        parser.Complete(output);
        Assert.Equal(output.OfType<FunctionCallContent>().Any(), parser.HasToolCalls);
        return output;
    }

    /// <summary>Random cut points: pieces of 1 to <paramref name="maxPiece"/> characters.</summary>
    public static List<int> RandomCuts(Random random, int length, int maxPiece)
    {
        var cuts = new List<int>();
        for (var at = random.Next(1, maxPiece + 1); at < length; at += random.Next(1, maxPiece + 1))
        {
            cuts.Add(at);
        }

        return cuts;
    }

    /// <summary>
    /// One line per content, with adjacent text of one kind merged (deltas may be cut anywhere): "T:text",
    /// "R:reasoning", "C:name args-json [error]" (call ids are random and left out), "U:raw" for unparsed call markup.
    /// </summary>
    public static List<string> Normalize(IEnumerable<AIContent> contents)
    {
        var lines = new List<string>();
        var run = new StringBuilder();
        var runKind = ' ';
        void FlushRun()
        {
            if (run.Length > 0)
            {
                lines.Add(runKind + ":" + run);
                run.Clear();
            }
        }

        foreach (var content in contents)
        {
            var (kind, text) = content switch
            {
                TextContent t => ('T', t.Text),
                TextReasoningContent r => ('R', r.Text),
                _ => ('C', null),
            };
            if (text is not null)
            {
                Assert.NotEmpty(text); // empty deltas are noise
                if (kind != runKind)
                {
                    FlushRun();
                    runKind = kind;
                }

                run.Append(text);
                continue;
            }

            FlushRun();
            runKind = ' ';
            if (content.GetType() == typeof(AIContent))
            {
                lines.Add($"U:{Assert.IsType<string>(content.RawRepresentation)}");
                continue;
            }

            var call = Assert.IsType<FunctionCallContent>(content);
            lines.Add($"C:{call.Name} {ArgumentsJson(call)}{(call.Exception is null ? string.Empty : " [error]")} raw={call.RawRepresentation}");
        }

        FlushRun();
        return lines;
    }

    private static readonly JsonSerializerOptions ReadableJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ArgumentsJson(FunctionCallContent call) =>
        JsonSerializer.Serialize(call.Arguments?.ToDictionary(a => a.Key, a => (JsonElement)a.Value!), ReadableJson);

    public static string Text(IEnumerable<AIContent> contents) => string.Concat(contents.OfType<TextContent>().Select(c => c.Text));

    public static string Reasoning(IEnumerable<AIContent> contents) => string.Concat(contents.OfType<TextReasoningContent>().Select(c => c.Text));

    public static List<FunctionCallContent> Calls(IEnumerable<AIContent> contents) => contents.OfType<FunctionCallContent>().ToList();
}
