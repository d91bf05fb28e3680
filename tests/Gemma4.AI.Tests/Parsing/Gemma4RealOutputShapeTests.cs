using System.Text.Json;
using Gemma4.AI.Formatting;
using Gemma4.AI.Parsing;
using Microsoft.Extensions.AI;
using static Gemma4.AI.Tests.Parsing.ParserHarness;

namespace Gemma4.AI.Tests.Parsing;

/// <summary>
/// Output shapes a real Gemma 4 model writes (it writes what the chat template renders), fed as a model would: special
/// tokens whole, ordinary text in pieces; and calls rendered by the product formatter read back unchanged.
/// </summary>
public sealed class Gemma4RealOutputShapeTests
{
    private const string Q = "<|\"|>";

    public static TheoryData<string, string> ArgumentShapes => new()
    {
        { "quotes", """{"s":"say \"hi\" and 'bye'"}""" },
        { "backslashes", """{"s":"C:\\path\\to\\file.txt \\n not a newline"}""" },
        { "newlines", """{"s":"line1\nline2\r\n\ttabbed\n"}""" },
        { "unicode", """{"s":"héllo 😀 中文 \u00a0 𝔘"}""" },
        { "structure", """{"s":"{a:1}, [b], c:d, e,f }"}""" },
        { "marker text", """{"s":"<tool_call|> <turn|> <|tool_response> <channel|> </b> a<b"}""" },
        { "json in string", """{"s":"{\"k\": [1, 2, {\"x\": null}]}"}""" },
        { "literals in string", """{"a":"true","b":"null","c":"123","d":"-1e5","e":""}""" },
        { "edge spaces", """{"s":"  padded  "}""" },
        { "numbers", """{"a":0,"b":-5,"c":3.5,"d":-1.25e-7,"e":1e100,"f":12345678901234567890,"g":3.0,"h":-0.0,"i":1e-05}""" },
        { "literals", """{"a":true,"b":false,"c":null}""" },
        { "nested", """{"o":{"p":{"q":[1,[2,[3,{"r":"s"}]]]}},"l":[{"a":1},{"b":[true,null]}]}""" },
        { "empty containers", """{"o":{},"l":[],"ol":[{}],"lo":{"x":[]}}""" },
        { "keys with spaces", """{"my key":1,"o":{"inner key":"v","Content-Type":"text/plain","@id":"x","$ref":"#/a","a.b":2}}""" },
        { "keys with colons", """{"ns:key":"v","o":{"a:b:c":1}}""" },
        { "no arguments", "{}" },
        { "case-insensitive key order", """{"b":1,"A":2,"a":3,"B":4}""" },
    };

    [Theory]
    [MemberData(nameof(ArgumentShapes))]
    public void RenderedCall_ParsesBackToTheSameArguments(string shape, string argumentsJson)
    {
        _ = shape;
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!;
        var rendered = RenderCall("do_it", arguments.ToDictionary(a => a.Key, a => (object?)a.Value));

        foreach (var contents in new[] { Gemma4OutputParser.Parse(rendered), ParseTokens(rendered) })
        {
            var call = Assert.IsType<FunctionCallContent>(Assert.Single(contents));
            Assert.Null(call.Exception);
            Assert.Equal("do_it", call.Name);
            AssertSameJson(JsonSerializer.SerializeToElement(arguments), JsonSerializer.SerializeToElement(call.Arguments));
        }
    }

    [Fact]
    public void RenderedCall_WithClrArgumentValues_ParsesBack()
    {
        var rendered = RenderCall("f", new Dictionary<string, object?>
        {
            ["i"] = 42,
            ["l"] = long.MinValue,
            ["d"] = 0.1,
            ["f"] = 1.5f,
            ["m"] = 2.50m,
            ["b"] = true,
            ["n"] = null,
            ["s"] = "x",
            ["list"] = new List<object?> { 1, "two", null },
        });

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(ParseTokens(rendered)));

        Assert.Null(call.Exception);
        Assert.Equal(
            """{"b":true,"d":0.1,"f":1.5,"i":42,"l":-9223372036854775808,"list":[1,"two",null],"m":2.5,"n":null,"s":"x"}""",
            ArgumentsJson(call));
    }

    public static TheoryData<string, bool> ModelTurns => new()
    {
        // Small models, thinking off: the call comes straight away, then the engine stops at <|tool_response>.
        { $"<|tool_call>call:get_weather{{city:{Q}Paris{Q}}}<tool_call|><|tool_response>", false },
        // Large models, thinking off: an empty thought first.
        { $"<|channel>thought\n<channel|><|tool_call>call:get_weather{{city:{Q}Paris{Q}}}<tool_call|><|tool_response>", false },
        // Thinking on: a thought, then the call.
        { $"<|channel>thought\nThe user wants the weather.\n<channel|><|tool_call>call:get_weather{{city:{Q}Paris{Q}}}<tool_call|><|tool_response>", false },
        // A call written inside the thought, the thought never closed.
        { $"<|channel>thought\nI should call it.<|tool_call>call:get_weather{{city:{Q}Paris{Q}}}<tool_call|><|tool_response>", false },
        // Several calls in a row with text around them.
        { $"Checking both.\n<|tool_call>call:a{{x:1}}<tool_call|><|tool_call>call:b{{y:{Q}z{Q}}}<tool_call|><|tool_response>", false },
        // After a tool response with thinking on, the prompt ends inside the thought.
        { "The tool said 21.\n<channel|>It is 21 °C.<turn|>", true },
        // An empty thought the model closes at once after the prompt opened it.
        { "<channel|>It is 21 °C.<turn|>", true },
        // Thought cut off by the token limit.
        { "<|channel>thought\nStep 1: think.\nStep 2: think more", false },
        // Call cut off by the token limit, inside a string and between members.
        { $"Sure.<|tool_call>call:write{{path:{Q}a.txt{Q},text:{Q}Hello, wor", false },
        { $"<|tool_call>call:write{{path:{Q}a.txt{Q},", false },
        { "<|tool_call>call:wri", false },
        { "<|tool_call>", false },
    };

    [Theory]
    [MemberData(nameof(ModelTurns))]
    public void ModelTurn_FedAsTokensSplitAnywhere_MatchesParsingItWhole(string output, bool startsInsideThought)
    {
        var expected = Normalize(Gemma4OutputParser.Parse(output, startsInsideThought));

        Assert.Equal(expected, Normalize(ParseTokens(output, startsInsideThought)));
        for (var cut = 0; cut <= output.Length; cut++)
        {
            Assert.Equal(expected, Normalize(ParsePieces(output, [cut], startsInsideThought)));
        }
    }

    [Theory]
    [InlineData($"Sure.<|tool_call>call:write{{path:{Q}a.txt{Q},text:{Q}Hello, wor")]
    [InlineData($"<|tool_call>call:write{{path:{Q}a.txt{Q},")]
    [InlineData("<|tool_call>call:wri")]
    public void CallCutOffByTheTokenLimit_IsNeitherACallNorText_ItsRawTextIsKept(string output)
    {
        var call = output[output.IndexOf("<|tool_call>", StringComparison.Ordinal)..];
        foreach (var contents in new[] { Gemma4OutputParser.Parse(output), ParseTokens(output) })
        {
            Assert.Empty(Calls(contents));
            Assert.Equal(output[..^call.Length], Text(contents));
            Assert.Equal(call, Assert.Single(contents, c => c.GetType() == typeof(AIContent)).RawRepresentation);
        }
    }

    [Fact]
    public void ThoughtCutOffByTheTokenLimit_IsKeptAsReasoning()
    {
        var contents = ParseTokens("<|channel>thought\nStep 1.\nStep 2\n");

        Assert.Equal("Step 1.\nStep 2\n", Reasoning(contents));
        Assert.Equal(string.Empty, Text(contents));
    }

    [Theory]
    [InlineData($"<|tool_call>call:get_weather(city={Q}Paris, \"FR\"{Q}, days=3)<tool_call|>", """{"city":"Paris, \"FR\"","days":3}""")]
    [InlineData($"<|tool_call>call:search( query = {Q}a=b (c){Q} , filters={{lang:{Q}en{Q},tags:[1,2]}}, exact=true )<tool_call|>", """{"query":"a=b (c)","filters":{"lang":"en","tags":[1,2]},"exact":true}""")]
    [InlineData("<|tool_call>call:get_time()<tool_call|>", "{}")]
    public void KeywordArgumentCall_IsReadLikeTheBraceForm(string output, string json)
    {
        foreach (var contents in new[] { Gemma4OutputParser.Parse(output), ParseTokens(output) })
        {
            var call = Assert.IsType<FunctionCallContent>(Assert.Single(contents));
            Assert.Null(call.Exception);
            Assert.Equal(json, ArgumentsJson(call));
        }
    }

    [Theory]
    [InlineData($"<|tool_call>call:f(a={Q}x{Q}, b)<tool_call|>", """{"a":"x"}""")]
    [InlineData("<|tool_call>call:f(a=1<tool_call|>", """{"a":1}""")]
    [InlineData("<|tool_call>call:f(=1)<tool_call|>", "{}")]
    public void MalformedKeywordArgumentCall_SetsException(string output, string json)
    {
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(Gemma4OutputParser.Parse(output)));

        Assert.IsType<FormatException>(Assert.IsType<InvalidOperationException>(call.Exception).InnerException);
        Assert.Equal(json, ArgumentsJson(call));
    }

    // Renders an assistant message holding one call with the product formatter and cuts out the call as the model
    // would write it: from <|tool_call> to the <|tool_response> the template leaves open for its result.
    private static string RenderCall(string name, IDictionary<string, object?> arguments)
    {
        var prompt = new Gemma4PromptFormatter().Format(
            [new ChatMessage(ChatRole.User, "go"), new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_1", name, arguments)])],
            addGenerationPrompt: false);
        var start = prompt.IndexOf(Gemma4Tokens.ToolCallStart, StringComparison.Ordinal);
        Assert.True(start >= 0, prompt);
        return prompt[start..];
    }

    private static readonly string[] SpecialTokens =
    [
        Gemma4Tokens.ToolCallStart, Gemma4Tokens.ToolCallEnd, Gemma4Tokens.Quote, Gemma4Tokens.ChannelStart,
        Gemma4Tokens.ChannelEnd, Gemma4Tokens.ToolResponseStart, Gemma4Tokens.ToolResponseEnd, Gemma4Tokens.TurnEnd,
        Gemma4Tokens.TurnStart, Gemma4Tokens.Eos,
    ];

    // Feeds text as the chat client does: marker text as whole special tokens (a prompt's content never holds them as
    // tokens, but this text came from the renderer, where every marker is template text), ordinary text in 1-3 chars.
    private static List<AIContent> ParseTokens(string text, bool startsInsideThought = false)
    {
        var parser = new Gemma4OutputParser(startsInsideThought);
        var output = new List<AIContent>();
        var random = new Random(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var special = SpecialTokens.FirstOrDefault(t => text.AsSpan(i).StartsWith(t, StringComparison.Ordinal));
            if (special is not null)
            {
                parser.AppendToken(special, isSpecialToken: true, output);
                i += special.Length;
                continue;
            }

            var end = i + 1;
            var limit = Math.Min(text.Length, i + random.Next(1, 4));
            while (end < limit && !SpecialTokens.Any(t => text.AsSpan(end).StartsWith(t, StringComparison.Ordinal)))
            {
                end++;
            }

            parser.AppendToken(text[i..end], isSpecialToken: false, output);
            i = end;
        }

        parser.Complete(output);
        return output;
    }

    private static void AssertSameJson(JsonElement expected, JsonElement actual)
    {
        if (expected.ValueKind == JsonValueKind.Number)
        {
            Assert.Equal(JsonValueKind.Number, actual.ValueKind);
            Assert.Equal(expected.GetDouble(), actual.GetDouble());
            if (expected.TryGetInt64(out var l))
            {
                Assert.Equal(l, actual.GetInt64());
            }

            return;
        }

        Assert.Equal(expected.ValueKind, actual.ValueKind);
        switch (expected.ValueKind)
        {
            case JsonValueKind.String:
                Assert.Equal(expected.GetString(), actual.GetString());
                break;
            case JsonValueKind.Array:
                Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
                foreach (var (e, a) in expected.EnumerateArray().Zip(actual.EnumerateArray()))
                {
                    AssertSameJson(e, a);
                }

                break;
            case JsonValueKind.Object:
                var names = expected.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
                Assert.Equal(names, actual.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList());
                foreach (var property in expected.EnumerateObject())
                {
                    AssertSameJson(property.Value, actual.GetProperty(property.Name));
                }

                break;
        }
    }
}
