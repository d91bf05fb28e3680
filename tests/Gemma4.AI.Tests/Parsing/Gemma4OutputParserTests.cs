using System.Text.Json;
using Gemma4.AI.Parsing;
using Microsoft.Extensions.AI;
using static Gemma4.AI.Tests.Parsing.ParserHarness;

namespace Gemma4.AI.Tests.Parsing;

public sealed class Gemma4OutputParserTests
{
    private const string Q = "<|\"|>";

    [Fact]
    public void Parse_PlainText_ReturnsTextAsIs()
    {
        var contents = Gemma4OutputParser.Parse("  Hello,\nworld!  \n");

        var text = Assert.IsType<TextContent>(Assert.Single(contents));
        Assert.Equal("  Hello,\nworld!  \n", text.Text);
    }

    [Fact]
    public void Parse_Empty_ReturnsNothing() => Assert.Empty(Gemma4OutputParser.Parse(string.Empty));

    [Fact]
    public void Parse_ThoughtThenText_SplitsReasoningFromAnswer()
    {
        var contents = Gemma4OutputParser.Parse("<|channel>thought\nThe user wants x.\nSo: y.\n<channel|>The answer is y.");

        Assert.Collection(
            contents,
            c => Assert.Equal("The user wants x.\nSo: y.", Assert.IsType<TextReasoningContent>(c).Text),
            c => Assert.Equal("The answer is y.", Assert.IsType<TextContent>(c).Text));
    }

    [Fact]
    public void Parse_ThoughtWithoutTrailingNewline_KeepsAllReasoning()
    {
        var contents = Gemma4OutputParser.Parse("<|channel>thought\nabc<channel|>def");

        Assert.Equal("abc", Reasoning(contents));
        Assert.Equal("def", Text(contents));
    }

    [Fact]
    public void Parse_ThoughtEndingInTwoNewlines_RemovesOnlyTheTemplatesNewline()
    {
        var contents = Gemma4OutputParser.Parse("<|channel>thought\nabc\n\n<channel|>def");

        Assert.Equal("abc\n", Reasoning(contents));
    }

    [Theory]
    [InlineData("<|channel>thought\n<channel|>Hi")]
    [InlineData("<|channel>thought<channel|>Hi")]
    [InlineData("<|channel><channel|>Hi")]
    public void Parse_EmptyThought_YieldsOnlyTheAnswer(string output)
    {
        var text = Assert.IsType<TextContent>(Assert.Single(Gemma4OutputParser.Parse(output)));
        Assert.Equal("Hi", text.Text);
    }

    [Fact]
    public void Parse_StartsInsideThought_ReadsReasoningFirst()
    {
        var contents = Gemma4OutputParser.Parse("The tool said 3.\n<channel|>It is 3.", startsInsideThought: true);

        Assert.Equal(["R:The tool said 3.", "T:It is 3."], Normalize(contents));
    }

    [Fact]
    public void Parse_StartsInsideThoughtAndReopensChannel_DropsTheSecondHeader()
    {
        var contents = Gemma4OutputParser.Parse("<|channel>thought\nhmm\n<channel|>ok", startsInsideThought: true);

        Assert.Equal(["R:hmm", "T:ok"], Normalize(contents));
    }

    [Fact]
    public void Parse_OtherChannelHeader_IsKeptAsReasoning()
    {
        var contents = Gemma4OutputParser.Parse("<|channel>thinking hard\n<channel|>x");

        Assert.Equal(["R:thinking hard", "T:x"], Normalize(contents));
    }

    [Fact]
    public void Parse_OneCall_EmitsFunctionCallContent()
    {
        const string raw = $"<|tool_call>call:get_weather{{city:{Q}Paris{Q},days:3}}<tool_call|>";
        var parser = new Gemma4OutputParser();
        var output = new List<AIContent>();

        parser.Append(raw, output);
        parser.Complete(output);

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(output));
        Assert.Equal("get_weather", call.Name);
        Assert.Null(call.Exception);
        Assert.Equal(raw, call.RawRepresentation);
        Assert.Matches("^call_[0-9a-f]{24}$", call.CallId);
        Assert.Equal("""{"city":"Paris","days":3}""", ArgumentsJson(call));
        Assert.All(call.Arguments!.Values, v => Assert.IsType<JsonElement>(v));
        Assert.True(parser.HasToolCalls);
    }

    [Fact]
    public void Parse_ThreeParallelCalls_EmitsThreeCallsWithDistinctIds()
    {
        var output = $"<|tool_call>call:a{{x:1}}<tool_call|><|tool_call>call:b{{}}<tool_call|><|tool_call>call:c{{y:{Q}z{Q}}}<tool_call|><|tool_response>";

        var calls = Calls(Gemma4OutputParser.Parse(output));

        Assert.Equal(["a", "b", "c"], calls.Select(c => c.Name));
        Assert.Equal(3, calls.Select(c => c.CallId).Distinct().Count());
        Assert.Equal("""{"y":"z"}""", ArgumentsJson(calls[2]));
        Assert.Empty(calls[1].Arguments!);
    }

    [Fact]
    public void Parse_TextCallText_KeepsOrder()
    {
        var contents = Gemma4OutputParser.Parse($"Let me check.<|tool_call>call:f{{}}<tool_call|>Done.");

        Assert.Collection(
            contents,
            c => Assert.Equal("Let me check.", Assert.IsType<TextContent>(c).Text),
            c => Assert.Equal("f", Assert.IsType<FunctionCallContent>(c).Name),
            c => Assert.Equal("Done.", Assert.IsType<TextContent>(c).Text));
    }

    [Fact]
    public void Parse_CallAfterThought_ClosesTheThought()
    {
        var contents = Gemma4OutputParser.Parse("<|channel>thought\nneed data\n<channel|><|tool_call>call:f{}<tool_call|>");

        Assert.Equal(["R:need data", "C:f {} raw=<|tool_call>call:f{}<tool_call|>"], Normalize(contents));
    }

    [Fact]
    public void Parse_CallInsideOpenThought_IsStillACall()
    {
        var contents = Gemma4OutputParser.Parse("<|channel>thought\nneed data<|tool_call>call:f{}<tool_call|>after");

        Assert.Equal(["R:need data", "C:f {} raw=<|tool_call>call:f{}<tool_call|>", "T:after"], Normalize(contents));
    }

    [Fact]
    public void Parse_NestedArguments_BecomeJson()
    {
        var call = SingleCall($"<|tool_call>call:book{{guest:{{name:{Q}Ana{Q},tags:[{Q}vip{Q},{Q}late{Q}]}},rooms:[{{beds:2,view:true}},{{beds:1,view:false}}],note:null}}<tool_call|>");

        Assert.Null(call.Exception);
        Assert.Equal(
            """{"guest":{"name":"Ana","tags":["vip","late"]},"rooms":[{"beds":2,"view":true},{"beds":1,"view":false}],"note":null}""",
            ArgumentsJson(call));
    }

    [Fact]
    public void Parse_EmptyContainers_AreKept()
    {
        var call = SingleCall("<|tool_call>call:f{a:{},b:[],c:[[],{}]}<tool_call|>");

        Assert.Equal("""{"a":{},"b":[],"c":[[],{}]}""", ArgumentsJson(call));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("a:b,c")]
    [InlineData("say \"hi\" and 'bye'")]
    [InlineData("line1\nline2\r\n\ttabbed")]
    [InlineData("back\\slash \\n not a newline")]
    [InlineData("héllo wörld — 你好 — 👋🏽 — 𝔘")]
    [InlineData("<tool_call|> and <turn|> and <|tool_call> and <|tool_response> in a string")]
    [InlineData("<|\"| almost a quote")]
    [InlineData("")]
    [InlineData(" padded ")]
    public void Parse_StringArgument_IsKeptVerbatim(string value)
    {
        var call = SingleCall($"<|tool_call>call:write{{text:{Q}{value}{Q}}}<tool_call|>");

        Assert.Null(call.Exception);
        Assert.Equal(value, ((JsonElement)call.Arguments!["text"]!).GetString());
    }

    [Theory]
    [InlineData("3", "3")]
    [InlineData("-2", "-2")]
    [InlineData("0", "0")]
    [InlineData("3.0", "3.0")]
    [InlineData("-0.0", "-0.0")]
    [InlineData("0.1", "0.1")]
    [InlineData("1e-05", "1e-05")]
    [InlineData("1.5e+20", "1.5e+20")]
    [InlineData("2E10", "2E10")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    public void Parse_Number_KeepsItsText(string number, string json)
    {
        var call = SingleCall($"<|tool_call>call:f{{n:{number}}}<tool_call|>");

        Assert.Null(call.Exception);
        var element = (JsonElement)call.Arguments!["n"]!;
        Assert.Equal(JsonValueKind.Number, element.ValueKind);
        Assert.Equal(json, element.GetRawText());
    }

    [Fact]
    public void Parse_Literals_BecomeJsonLiterals()
    {
        var call = SingleCall("<|tool_call>call:f{a:true,b:false,c:null,d:[true,null]}<tool_call|>");

        Assert.Equal("""{"a":true,"b":false,"c":null,"d":[true,null]}""", ArgumentsJson(call));
    }

    [Fact]
    public void Parse_QuotedKeys_AreAccepted()
    {
        var call = SingleCall($"<|tool_call>call:f{{{Q}first name{Q}:{Q}Ana{Q},inner:{{{Q}a:b{Q}:1}}}}<tool_call|>");

        Assert.Null(call.Exception);
        Assert.Equal("""{"first name":"Ana","inner":{"a:b":1}}""", ArgumentsJson(call));
    }

    [Fact]
    public void Parse_BareKeysWithPunctuation_AreAccepted()
    {
        var call = SingleCall("<|tool_call>call:f{$ref:1,x-y.z:2,ключ:3,a b:4}<tool_call|>");

        Assert.Null(call.Exception);
        Assert.Equal("""{"$ref":1,"x-y.z":2,"ключ":3,"a b":4}""", ArgumentsJson(call));
    }

    [Fact]
    public void Parse_JsonStyleStringsAndKeys_AreAccepted()
    {
        var call = SingleCall("<|tool_call>call:f{\"city\":\"Paris \\\"Left\\\" Bank\\n\\u00e9\",n:1}<tool_call|>");

        Assert.Null(call.Exception);
        Assert.Equal("Paris \"Left\" Bank\né", ((JsonElement)call.Arguments!["city"]!).GetString());
    }

    [Fact]
    public void Parse_WhitespaceBetweenTokens_IsAccepted()
    {
        var call = SingleCall($"<|tool_call> call : get_weather {{ city : {Q}Paris{Q} ,\n days : [ 1 , 2 , ] , }} <tool_call|>");

        Assert.Null(call.Exception);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("""{"city":"Paris","days":[1,2]}""", ArgumentsJson(call));
    }

    [Fact]
    public void Parse_CallWithoutCallLabel_IsAccepted()
    {
        var call = SingleCall("<|tool_call>get_time{}<tool_call|>");

        Assert.Equal("get_time", call.Name);
        Assert.Null(call.Exception);
    }

    [Theory]
    [InlineData("mcp.server/tool-name_2")]
    [InlineData("ns:tool")]
    [InlineData("call")]
    public void Parse_FunctionNames_AreReadWhole(string name)
    {
        Assert.Equal(name, SingleCall($"<|tool_call>call:{name}{{}}<tool_call|>").Name);
    }

    [Fact]
    public void Parse_DuplicateKey_LastWins()
    {
        Assert.Equal("""{"a":2}""", ArgumentsJson(SingleCall("<|tool_call>call:f{a:1,a:2}<tool_call|>")));
    }

    [Theory]
    [InlineData("Hi<turn|>ignored")]
    [InlineData("Hi<|tool_response>response:f{}")]
    [InlineData("Hi<eos>more")]
    [InlineData("Hi<|turn>user\nmore")]
    public void Parse_EndOfTurnMarker_EndsTheTurn(string output)
    {
        Assert.Equal(["T:Hi"], Normalize(Gemma4OutputParser.Parse(output)));
    }

    [Fact]
    public void Parse_ToolResponseAfterCalls_EndsTheCalls()
    {
        var contents = Gemma4OutputParser.Parse("<|tool_call>call:f{}<tool_call|><|tool_response>response:f{value:1}<tool_response|>The answer");

        Assert.Equal("f", Assert.IsType<FunctionCallContent>(Assert.Single(contents)).Name);
    }

    [Fact]
    public void Parse_MeaninglessMarkers_AreDropped()
    {
        var contents = Gemma4OutputParser.Parse("a<pad>b<|think|>c<tool_call|>d<channel|>e<|\"|>f<|image|>g<bos>h");

        Assert.Equal(["T:abcdefgh"], Normalize(contents));
    }

    [Theory]
    [InlineData("a < b and c <= d")]
    [InlineData("<html><body>x</body></html>")]
    [InlineData("<|tool |> <tool_call| <|channel <turn|")]
    [InlineData("ends with <|tool_cal")]
    [InlineData("ends with <")]
    public void Parse_TextThatOnlyLooksLikeMarkers_IsKept(string output)
    {
        Assert.Equal(output, Assert.IsType<TextContent>(Assert.Single(Gemma4OutputParser.Parse(output))).Text);
    }

    [Fact]
    public void Parse_ReasoningThatOnlyLooksLikeTheEnd_IsKept()
    {
        var contents = Gemma4OutputParser.Parse("x\n<channel\n<chan|>\n", startsInsideThought: true);

        Assert.Equal("x\n<channel\n<chan|>\n", Reasoning(contents));
    }

    [Fact]
    public void Parse_UnterminatedCallAtEnd_IsKeptRawNotAsText()
    {
        const string output = "Sure.<|tool_call>call:f{a:1";

        var contents = Gemma4OutputParser.Parse(output);

        Assert.Equal(["T:Sure.", "U:<|tool_call>call:f{a:1"], Normalize(contents));
        Assert.Equal("Sure.", Text(contents));
    }

    [Fact]
    public void Parse_CallCutOffByEndOfTurn_IsKeptRawWithoutTheMarker()
    {
        var contents = Gemma4OutputParser.Parse("<|tool_call>call:f{a:1<turn|>more");

        Assert.Equal(["U:<|tool_call>call:f{a:1"], Normalize(contents));
    }

    [Fact]
    public void Parse_UnterminatedStringInCall_ReadsThroughToTheEnd()
    {
        // Inside a string markers are text, so the call never closes: it is kept raw, not as text.
        const string output = $"<|tool_call>call:f{{a:{Q}oops}}<tool_call|>";

        Assert.Equal(["U:" + output], Normalize(Gemma4OutputParser.Parse(output)));
    }

    [Theory]
    [InlineData("<|tool_call>{a:1}<tool_call|>")]
    [InlineData("<|tool_call>call:{a:1}<tool_call|>")]
    [InlineData("<|tool_call><tool_call|>")]
    [InlineData("<|tool_call>  <tool_call|>")]
    public void Parse_CallWithoutName_IsKeptRawNotAsText(string output)
    {
        var contents = Gemma4OutputParser.Parse(output);

        Assert.Equal(["U:" + output], Normalize(contents));
    }

    [Theory]
    [InlineData("<|tool_call>call:f<tool_call|>", "{}")]
    [InlineData("<|tool_call>call:f{a:1<tool_call|>", """{"a":1}""")]
    [InlineData("<|tool_call>call:f{a:1,b:celsius}<tool_call|>", """{"a":1}""")]
    [InlineData("<|tool_call>call:f{a:1}trailing<tool_call|>", """{"a":1}""")]
    [InlineData("<|tool_call>call:f{a:1 b:2}<tool_call|>", """{"a":1}""")]
    [InlineData("<|tool_call>call:f{a:inf}<tool_call|>", "{}")]
    [InlineData("<|tool_call>call:f{a:nan}<tool_call|>", "{}")]
    [InlineData("<|tool_call>call:f{a:01}<tool_call|>", "{}")]
    [InlineData("<|tool_call>call:f{a:1.}<tool_call|>", "{}")]
    [InlineData("<|tool_call>call:f{a:True}<tool_call|>", "{}")]
    [InlineData("<|tool_call>call:f{a:[1,2}<tool_call|>", "{}")]
    [InlineData("<|tool_call>call:f{a:\"x}<tool_call|>", "{}")]
    [InlineData("<|tool_call>call:f{a:\"\\q\"}<tool_call|>", "{}")]
    [InlineData("<|tool_call>call:f{:1}<tool_call|>", "{}")]
    [InlineData("<|tool_call>call:f{,}<tool_call|>", "{}")]
    [InlineData("<|tool_call>call:f{a:1,,b:2}<tool_call|>", """{"a":1}""")]
    [InlineData("<|tool_call>call:get weather{}<tool_call|>", "{}")]
    public void Parse_MalformedArguments_SetsExceptionAndKeepsWhatWasRead(string output, string json)
    {
        var call = SingleCall(output);

        var error = Assert.IsType<InvalidOperationException>(call.Exception);
        Assert.IsType<FormatException>(error.InnerException);
        Assert.Equal(json, ArgumentsJson(call));
        Assert.Equal(output, call.RawRepresentation);
    }

    [Fact]
    public void Parse_LoneSurrogateInString_BecomesReplacementCharacter()
    {
        var call = SingleCall($"<|tool_call>call:f{{a:{Q}x\ud83dy{Q}}}<tool_call|>");

        Assert.Null(call.Exception);
        Assert.Equal("x\ufffdy", ((JsonElement)call.Arguments!["a"]!).GetString());
    }

    [Fact]
    public void Parse_DeepNesting_IsRejectedWithoutOverflowingTheStack()
    {
        var depth = 100_000;
        var output = "<|tool_call>call:f{a:" + new string('[', depth) + new string(']', depth) + "}<tool_call|>";

        var call = SingleCall(output);

        Assert.NotNull(call.Exception);
    }

    [Fact]
    public void Parse_NestingAtTheLimit_IsAccepted()
    {
        var depth = Gemma4ValueReader.MaxDepth - 1; // the arguments object is one level
        var output = "<|tool_call>call:f{a:" + new string('[', depth) + new string(']', depth) + "}<tool_call|>";

        Assert.Null(SingleCall(output).Exception);
        Assert.NotNull(SingleCall(output.Replace("a:[", "a:[[", StringComparison.Ordinal).Replace("]}", "]]}", StringComparison.Ordinal)).Exception);
    }

    [Fact]
    public void HasToolCalls_TextOnly_IsFalse()
    {
        var parser = new Gemma4OutputParser();
        var output = new List<AIContent>();

        parser.Append("<|tool_call>{}<tool_call|> just text", output);
        parser.Complete(output);

        Assert.False(parser.HasToolCalls);
    }

    [Fact]
    public void Append_TextWithoutMarkers_IsEmittedAtOnceAndReusesTheString()
    {
        var parser = new Gemma4OutputParser();
        var output = new List<AIContent>();
        var piece = "Hello there";

        parser.Append(piece, output);

        Assert.Same(piece, Assert.IsType<TextContent>(Assert.Single(output)).Text);
    }

    [Fact]
    public void Append_MarkerSplitAcrossPieces_IsHeldBackThenRecognised()
    {
        var parser = new Gemma4OutputParser();
        var output = new List<AIContent>();

        parser.Append("Checking <|tool", output);
        Assert.Equal(["T:Checking "], Normalize(output));

        parser.Append("_call>call:f{a:", output);
        parser.Append("1}<tool_", output);
        Assert.Single(output);

        parser.Append("call|>", output);
        Assert.Equal("f", Assert.IsType<FunctionCallContent>(output[1]).Name);
        Assert.True(parser.HasToolCalls);
    }

    [Fact]
    public void Append_LessThanThatIsNoMarker_IsReleasedWhenDecided()
    {
        var parser = new Gemma4OutputParser();
        var output = new List<AIContent>();

        parser.Append("a <", output);
        Assert.Equal(["T:a "], Normalize(output));

        parser.Append(" b", output);
        Assert.Equal(["T:a < b"], Normalize(output));
    }

    [Fact]
    public void Append_SplitSurrogatePair_IsNotSplitBetweenDeltas()
    {
        var parser = new Gemma4OutputParser();
        var output = new List<AIContent>();
        const string emoji = "👋";

        parser.Append("hi " + emoji[0], output);
        parser.Append(emoji[1] + "!", output);

        Assert.Equal(["hi ", emoji + "!"], output.Cast<TextContent>().Select(t => t.Text));
    }

    [Fact]
    public void Append_NewlineInThought_IsHeldUntilTheNextPiece()
    {
        var parser = new Gemma4OutputParser(startsInsideThought: true);
        var output = new List<AIContent>();

        parser.Append("step 1\n", output);
        Assert.Equal(["R:step 1"], Normalize(output));

        parser.Append("step 2", output);
        Assert.Equal(["R:step 1\nstep 2"], Normalize(output));
    }

    [Fact]
    public void Append_ReadOnlySpan_MatchesStringOverload()
    {
        const string text = "<|channel>thought\nx\n<channel|>y<|tool_call>call:f{a:1}<tool_call|>";
        var cuts = Enumerable.Range(1, text.Length - 1).Where(i => i % 3 == 0);

        Assert.Equal(Normalize(ParsePieces(text, cuts)), Normalize(ParsePieces(text, cuts, useSpans: true)));
    }

    [Fact]
    public void Complete_ThenAppend_IgnoresLaterInput()
    {
        var parser = new Gemma4OutputParser();
        var output = new List<AIContent>();
        parser.Append("a", output);
        parser.Complete(output);

        parser.Append("b", output);
        parser.Complete(output);

        Assert.Equal(["T:a"], Normalize(output));
    }

    [Fact]
    public void Complete_HeldBackPrefix_IsEmittedAsText()
    {
        var parser = new Gemma4OutputParser();
        var output = new List<AIContent>();
        parser.Append("x <|chan", output);

        parser.Complete(output);

        Assert.Equal(["T:x <|chan"], Normalize(output));
    }

    [Fact]
    public void PublicMethods_NullArguments_Throw()
    {
        var parser = new Gemma4OutputParser();
        Assert.Throws<ArgumentNullException>(() => Gemma4OutputParser.Parse(null!));
        Assert.Throws<ArgumentNullException>(() => parser.Append((string)null!, []));
        Assert.Throws<ArgumentNullException>(() => parser.Append("x", null!));
        Assert.Throws<ArgumentNullException>(() => parser.Append("x".AsSpan(), null!));
        Assert.Throws<ArgumentNullException>(() => parser.Complete(null!));
    }

    private static FunctionCallContent SingleCall(string output) =>
        Assert.IsType<FunctionCallContent>(Assert.Single(Gemma4OutputParser.Parse(output)));
}

public sealed class Gemma4OutputParserLosslessTests
{
    private const string Q = "<|\"|>";

    public static TheoryData<string> Texts() =>
    [
        "\ufdd0", "a\ufdd0b", "\ufdd0a", "\ufdd0b", "x<y\ufdd0z", "\ufdd0<", "<\ufdd0", "\ufdd0\ufdd0a<<", "1 < 2 \ufdd0 3",
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void EveryInputMode_GivesBackAnswerAndReasoningExactly(string text)
    {
        var turn = "<|channel>thought\n" + text + "\n<channel|>" + text;
        foreach (var (mode, contents) in Modes(turn))
        {
            Assert.True(text == ParserHarness.Reasoning(contents), $"{mode}: reasoning");
            Assert.True(text == ParserHarness.Text(contents), $"{mode}: answer");
        }
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void EveryInputMode_GivesBackCallArgumentsExactly(string text)
    {
        var turn = $"<|tool_call>call:f{{s:{Q}{text}{Q}}}<tool_call|>";
        foreach (var (mode, contents) in Modes(turn))
        {
            var call = Assert.Single(ParserHarness.Calls(contents));
            Assert.True(text == ((System.Text.Json.JsonElement)call.Arguments!["s"]!).GetString(), mode);
            Assert.Equal(turn, call.RawRepresentation);
        }
    }

    // Whole, as string pieces, as span pieces, and as tokens (markers special, the rest ordinary, one char each).
    private static IEnumerable<(string Mode, List<AIContent> Contents)> Modes(string turn)
    {
        yield return ("Parse", [.. Gemma4OutputParser.Parse(turn)]);
        yield return ("Append", ParserHarness.ParsePieces(turn, Enumerable.Range(1, turn.Length - 1)));
        yield return ("Append(span)", ParserHarness.ParsePieces(turn, Enumerable.Range(1, turn.Length - 1).Where(i => i % 2 == 0), useSpans: true));

        var parser = new Gemma4OutputParser();
        var output = new List<AIContent>();
        var markers = new[] { "<|channel>", "<channel|>", "<|tool_call>", "<tool_call|>", Q };
        for (var i = 0; i < turn.Length;)
        {
            var marker = markers.FirstOrDefault(m => turn.AsSpan(i).StartsWith(m, StringComparison.Ordinal));
            parser.AppendToken(marker ?? turn[i].ToString(), isSpecialToken: marker is not null, output);
            i += marker?.Length ?? 1;
        }

        parser.Complete(output);
        yield return ("AppendToken", output);
    }
}
