using Gemma4.AI.Parsing;
using Microsoft.Extensions.AI;
using static Gemma4.AI.Tests.Parsing.ParserHarness;

namespace Gemma4.AI.Tests.Parsing;

/// <summary>Feeding output in pieces, cut anywhere, must give what parsing it whole gives.</summary>
public sealed class Gemma4OutputParserStreamingTests
{
    private const string Q = "<|\"|>";

    public static TheoryData<string, bool> Outputs => new()
    {
        { "Plain answer with <html> and a < b, and an emoji 👋🏽 at the end 🎉", false },
        { "<|channel>thought\nThe user asks about 𝔘nicode.\nFine.\n<channel|>Answer: yes.\n", false },
        { "<|channel>thought\n<channel|>Short answer.", false },
        { "<|channel>thought\n<channel|><|tool_call>call:get_time{}<tool_call|><|tool_response>", false },
        { "Tool said 21°C.\n\n<channel|>It is 21°C in Paris.<turn|>", true },
        { $"<|tool_call>call:get_weather{{city:{Q}Paris{Q},unit:{Q}celsius{Q}}}<tool_call|>", false },
        { $"Let me look.\n<|tool_call>call:a{{x:1}}<tool_call|><|tool_call>call:b{{y:[1,2.5,-3e-05]}}<tool_call|><|tool_call>call:c{{z:{{k:null,t:true}}}}<tool_call|><|tool_response>", false },
        { $"<|tool_call>call:write{{path:{Q}a.txt{Q},text:{Q}{{\"json\": [1, 2]}}, a:b <turn|> <tool_call|> \n 你好 🎉{Q}}}<tool_call|>Done.", false },
        { $"<|tool_call> call : f {{ {Q}quoted key{Q} : \"json\\\"str\" , n : 1.5e+20 }} <tool_call|>", false },
        { "x<pad>y<|think|>z<channel|>w<tool_call|>v", false },
        { "<|tool_call>call:f{a:1", false },
        { "<|tool_call>call:f{a:[1,}<tool_call|>after", false },
        { "<|tool_call>{a:1}<tool_call|>no name", false },
        { "<|channel>thinking\nnot thought<channel|>ok", false },
        { "<|channel>tho", false },
        { "reason\n\n<chan\n<channel|", true },
        { "ends with <|tool_cal", false },
        { "\n<channel|>", true },
        { "<|channel>thought\nabc<|tool_call>call:f{}<tool_call|>", false },
    };

    [Theory]
    [MemberData(nameof(Outputs))]
    public void Append_SplitAtEveryPosition_MatchesParse(string output, bool startsInsideThought)
    {
        var expected = Normalize(Gemma4OutputParser.Parse(output, startsInsideThought));

        for (var cut = 0; cut <= output.Length; cut++)
        {
            Assert.Equal(expected, Normalize(ParsePieces(output, [cut], startsInsideThought)));
        }
    }

    [Theory]
    [MemberData(nameof(Outputs))]
    public void Append_OneCharacterAtATime_MatchesParse(string output, bool startsInsideThought)
    {
        var expected = Normalize(Gemma4OutputParser.Parse(output, startsInsideThought));

        Assert.Equal(expected, Normalize(ParsePieces(output, Enumerable.Range(1, Math.Max(0, output.Length - 1)), startsInsideThought)));
        Assert.Equal(expected, Normalize(ParsePieces(output, Enumerable.Range(1, Math.Max(0, output.Length - 1)), startsInsideThought, useSpans: true)));
    }

    [Theory]
    [MemberData(nameof(Outputs))]
    public void Append_RandomPieces_MatchesParse(string output, bool startsInsideThought)
    {
        var expected = Normalize(Gemma4OutputParser.Parse(output, startsInsideThought));
        var random = new Random(output.Length);

        for (var round = 0; round < 200; round++)
        {
            var cuts = RandomCuts(random, output.Length, maxPiece: 1 + (round % 12));
            Assert.Equal(expected, Normalize(ParsePieces(output, cuts, startsInsideThought)));
        }
    }

    [Fact]
    public void Append_TextThatCannotStartAMarker_IsNeverHeldBack()
    {
        const string answer = "The answer, with {braces}, \"quotes\" | pipes > and 🎉!";
        var parser = new Gemma4OutputParser();
        var output = new List<AIContent>();

        for (var i = 0; i < answer.Length; i++)
        {
            parser.Append(answer[i].ToString(), output);
            var expected = char.IsHighSurrogate(answer[i]) ? answer[..i] : answer[..(i + 1)];
            Assert.Equal(expected, Text(output));
        }
    }

    [Fact]
    public void Append_CallArrivesInPieces_EmitsOneCompleteCallWhenClosed()
    {
        var raw = $"<|tool_call>call:f{{a:{Q}x{Q},b:[1,2]}}<tool_call|>";
        var parser = new Gemma4OutputParser();
        var output = new List<AIContent>();

        foreach (var piece in raw.Chunk(3).Select(c => new string(c)))
        {
            Assert.Empty(output);
            parser.Append(piece, output);
        }

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(output));
        Assert.Equal(raw, call.RawRepresentation);
        Assert.Equal("""{"a":"x","b":[1,2]}""", ArgumentsJson(call));
    }
}
