using System.Text;
using Gemma4.AI.Parsing;
using Microsoft.Extensions.AI;
using static Gemma4.AI.Tests.Parsing.ParserHarness;

namespace Gemma4.AI.Tests.Parsing;

/// <summary>Random and mutated output never makes the parser throw, and pieces always agree with the whole.</summary>
public sealed class Gemma4OutputParserRobustnessTests
{
    private const string Q = "<|\"|>";

    private static readonly string[] Seeds =
    [
        "<|channel>thought\nLet me think about {this}.\n<channel|>Sure: here it is 👋🏽.",
        $"Checking.<|tool_call>call:get_weather{{city:{Q}Paris{Q},days:[1,2.5,-3e-05],opts:{{deep:{{x:null,y:true}}}}}}<tool_call|><|tool_response>",
        $"<|tool_call>call:a{{x:1}}<tool_call|><|tool_call>call:b{{{Q}k{Q}:\"v\\n\"}}<tool_call|>After.<turn|>",
        "reasoning only\n<channel|>answer",
        "<|channel>thought\n<channel|><|tool_call>call:f{}<tool_call|>",
    ];

    private static readonly string[] Fragments =
    [
        "<|channel>", "<channel|>", "<|tool_call>", "<tool_call|>", Q, "<|tool_response>", "<tool_response|>", "<turn|>",
        "<|turn>", "<eos>", "<pad>", "<|think|>", "thought\n", "call:", "{", "}", "[", "]", ":", ",", "\"", "\\", "\n", " ",
        "<", "|", ">", "<|", "|>", "<|tool", "_call>", "1e-05", "-", ".", "null", "true", "x", "é", "👋", "\ud83d", "\udc4b",
    ];

    [Fact]
    public void ParseAndAppend_TenThousandRandomInputs_NeverThrowAndAgree()
    {
        var random = new Random(20260715);
        for (var n = 0; n < 10_000; n++)
        {
            var input = n % 2 == 0 ? Mutate(random, Seeds[random.Next(Seeds.Length)]) : RandomText(random);
            var startsInsideThought = random.Next(4) == 0;
            try
            {
                var whole = Gemma4OutputParser.Parse(input, startsInsideThought);
                var pieces = ParsePieces(input, RandomCuts(random, input.Length, maxPiece: 1 + random.Next(10)), startsInsideThought, useSpans: n % 3 == 0);
                Assert.Equal(Normalize(whole), Normalize(pieces));
                AssertNoMarkersLeak(whole);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"Input #{n} (startsInsideThought={startsInsideThought}): {Escape(input)}", ex);
            }
        }
    }

    private static void AssertNoMarkersLeak(IEnumerable<AIContent> contents)
    {
        // Only a call that never closed comes back as its raw text, marker included.
        foreach (var content in contents)
        {
            var text = content switch
            {
                TextContent t => t.Text,
                TextReasoningContent r => r.Text,
                _ => null,
            };
            if (content is FunctionCallContent { Exception: { } error })
            {
                // Anything but the reader's own FormatException would be a bug swallowed by its catch.
                Assert.IsType<FormatException>(error.InnerException);
            }

            if (text is not null && !text.Contains("<|tool_call>", StringComparison.Ordinal))
            {
                Assert.DoesNotContain("<channel|>", text, StringComparison.Ordinal);
                Assert.DoesNotContain("<turn|>", text, StringComparison.Ordinal);
                Assert.DoesNotContain("<tool_call|>", text, StringComparison.Ordinal);
            }
        }
    }

    private static string Mutate(Random random, string text)
    {
        var builder = new StringBuilder(text);
        for (var m = random.Next(1, 5); m > 0; m--)
        {
            var at = random.Next(builder.Length + 1);
            switch (random.Next(6))
            {
                case 0: // truncate
                    builder.Length = at;
                    break;
                case 1: // delete a span
                    builder.Remove(at, Math.Min(random.Next(1, 8), builder.Length - at));
                    break;
                case 2: // insert a marker or a piece of syntax
                    builder.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 3: // duplicate a span (duplicated markers, repeated calls)
                    var length = Math.Min(random.Next(1, 20), builder.Length - at);
                    builder.Insert(at, builder.ToString(at, length));
                    break;
                case 4: // a random character, surrogates included
                    builder.Insert(at, (char)random.Next(0, 0x10000));
                    break;
                default: // swap two characters
                    if (at + 1 < builder.Length)
                    {
                        (builder[at], builder[at + 1]) = (builder[at + 1], builder[at]);
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    private static string RandomText(Random random)
    {
        var builder = new StringBuilder();
        for (var count = random.Next(0, 40); count > 0; count--)
        {
            builder.Append(random.Next(3) == 0 ? (char)random.Next(0x20, 0x7f) : Fragments[random.Next(Fragments.Length)]);
        }

        return builder.ToString();
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString()));
}
