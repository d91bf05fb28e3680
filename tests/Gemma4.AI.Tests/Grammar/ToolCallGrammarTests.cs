using Gemma4.AI.Grammar;
using Gemma4.AI.Tests.Grammar.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Grammar;

public sealed class ToolCallGrammarTests
{
    private const string Q = "<|\"|>";
    private const string N = Gbnf.NotScalarValues;

    private static readonly AIFunctionDeclaration Weather = Tools.Declare(
        "get_weather", """{"type":"object","properties":{"city":{"type":"string"},"unit":{"enum":["C","F"]}},"required":["city"]}""");

    private static readonly AIFunctionDeclaration Time = Tools.Declare(
        "get_time", """{"type":"object","properties":{"zone":{"type":"string"}},"required":["zone"]}""");

    private static GbnfRecognizer Recognizer(AIFunctionDeclaration[] tools, ChatToolMode mode, bool multiple = true, GrammarOptions? options = null) =>
        GbnfRecognizer.Parse(ToolCallGrammar.Build(tools, mode, multiple, options)!.Gbnf);

    private static List<Unit> Output(string text) => Unit.Tokens(text, Tools.ControlTokens);

    [Fact]
    public void Build_OneTool_WritesCallWithTypedArguments() => Assert.Equal(
        "root ::= tool-call\n"
        + "gtext ::= | [<] gtext-1 | [^" + N + "<] gtext\n"
        + "gtext-1 ::= | [<] gtext-1 | [|] gtext-2 | [^" + N + "<|] gtext\n"
        + "gtext-2 ::= | [\\\"] gtext-3 | [<] gtext-1 | [^" + N + "\\\"<] gtext\n"
        + "gtext-3 ::= | [<] gtext-1 | [|] gtext-4 | [^" + N + "<|] gtext\n"
        + "gtext-4 ::= | [<] gtext-1 | [^" + N + "<>] gtext\n"
        + "gstring ::= <|\"|> gtext <|\"|>\n"
        + "call-get-weather-args-unit-enum ::= <|\"|> \"C\" <|\"|> | <|\"|> \"F\" <|\"|>\n"
        + "call-get-weather-args-tail ::= | \",\" \"unit:\" call-get-weather-args-unit-enum\n"
        + "call-get-weather-args ::= \"{\" \"city:\" gstring call-get-weather-args-tail \"}\"\n"
        + "call-get-weather ::= \"get_weather\" call-get-weather-args\n"
        + "tool-call ::= <|tool_call> \"call:\" call-get-weather <tool_call|>\n",
        ToolCallGrammar.Build([Weather], ChatToolMode.RequireAny, allowMultipleCalls: false)!.Gbnf);

    [Fact]
    public void Build_RequireAny_AcceptsCallsToAnyToolAndNothingElse()
    {
        var g = Recognizer([Weather, Time], ChatToolMode.RequireAny);

        Assert.True(g.Accepts(Output($"<|tool_call>call:get_weather{{city:{Q}Paris{Q}}}<tool_call|>")));
        Assert.True(g.Accepts(Output($"<|tool_call>call:get_weather{{city:{Q}Paris{Q},unit:{Q}C{Q}}}<tool_call|><|tool_call>call:get_time{{zone:{Q}UTC{Q}}}<tool_call|>")));
        Assert.False(g.Accepts(Output($"<|tool_call>call:get_weather{{unit:{Q}C{Q},city:{Q}Paris{Q}}}<tool_call|>")));
        Assert.False(g.Accepts(Output($"<|tool_call>call:get_weather{{city:{Q}Paris{Q},unit:{Q}K{Q}}}<tool_call|>")));
        Assert.False(g.Accepts(Output($"<|tool_call>call:get_weather{{}}<tool_call|>")));
        Assert.False(g.Accepts(Output($"<|tool_call>call:unknown{{}}<tool_call|>")));
        Assert.False(g.Accepts(Output($"Sure! <|tool_call>call:get_time{{zone:{Q}UTC{Q}}}<tool_call|>")));
        Assert.False(g.Accepts(Output($"<|tool_call>call:get_time{{zone:{Q}UTC{Q}}}<tool_call|> done")));
    }

    [Fact]
    public void Build_NotMultiple_AcceptsExactlyOneCall()
    {
        var g = Recognizer([Time], ChatToolMode.RequireAny, multiple: false);
        var call = $"<|tool_call>call:get_time{{zone:{Q}UTC{Q}}}<tool_call|>";

        Assert.True(g.Accepts(Output(call)));
        Assert.False(g.Accepts(Output(call + call)));
    }

    [Fact]
    public void Build_ControlTokensAsText_AreRejected()
    {
        var g = Recognizer([Time], ChatToolMode.RequireAny);

        // The markers spelled with ordinary characters are not the tokens.
        Assert.False(g.Accepts(Unit.FromText($"<|tool_call>call:get_time{{zone:{Q}UTC{Q}}}<tool_call|>")));
    }

    [Fact]
    public void Build_StringArgument_CannotContainTheQuoteButAnythingElse()
    {
        var g = Recognizer([Time], ChatToolMode.RequireAny);
        string Call(string zone) => $"<|tool_call>call:get_time{{zone:{Q}{zone}{Q}}}<tool_call|>";

        Assert.True(g.Accepts(Output(Call("a \"quoted\" {text}, with: <tags> | pipes\nand é😀"))));
        Assert.True(g.Accepts(Output(Call(string.Empty))));
        Assert.True(g.Accepts([.. Output("<|tool_call>call:get_time{zone:<|\"|>x"), .. Unit.FromText("<|\"|"), .. Output("<|\"|>}<tool_call|>")]));
        Assert.False(g.AcceptsPrefix([.. Output("<|tool_call>call:get_time{zone:<|\"|>x"), .. Unit.FromText("<|\"|>")]));
    }

    [Fact]
    public void Build_RequireSpecific_AllowsOnlyThatTool()
    {
        var g = Recognizer([Weather, Time], ChatToolMode.RequireSpecific("get_time"));

        Assert.True(g.Accepts(Output($"<|tool_call>call:get_time{{zone:{Q}UTC{Q}}}<tool_call|>")));
        Assert.False(g.Accepts(Output($"<|tool_call>call:get_weather{{city:{Q}Paris{Q}}}<tool_call|>")));
    }

    [Fact]
    public void Build_RequireSpecificUnknown_ThrowsNamingItAndTheDeclaredTools()
    {
        var ex = Assert.Throws<ArgumentException>(() => ToolCallGrammar.Build([Weather, Time], ChatToolMode.RequireSpecific("get_date"), true));

        Assert.Contains("'get_date'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'get_weather', 'get_time'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_RequireAnyWithoutTools_Throws() =>
        Assert.Throws<ArgumentException>(() => ToolCallGrammar.Build([], ChatToolMode.RequireAny, true));

    [Fact]
    public void Build_DuplicateNames_Throws() =>
        Assert.Throws<ArgumentException>(() => ToolCallGrammar.Build([Time, Tools.Declare("get_time", "{}")], ChatToolMode.Auto, true));

    [Fact]
    public void Build_NoneOrNoTools_HasNoGrammar()
    {
        Assert.Null(ToolCallGrammar.Build([Weather], ChatToolMode.None, true));
        Assert.Null(ToolCallGrammar.Build([], ChatToolMode.Auto, true));
        Assert.Null(ToolCallGrammar.Build([], null, true));
    }

    [Fact]
    public void Build_Auto_IsLazyWithEscapedEndAnchoredPattern()
    {
        var grammar = ToolCallGrammar.Build([Time], ChatToolMode.Auto, allowMultipleCalls: true)!;

        Assert.True(grammar.IsLazy);
        Assert.Equal([@"<\|tool_call>$"], grammar.TriggerPatterns);
        Assert.Null(grammar.TriggerTokens);
        Assert.StartsWith("root ::= tool-call+\n", grammar.Gbnf, StringComparison.Ordinal);

        // Triggered by text, the marker may have been spelled with ordinary tokens; both forms continue the grammar.
        var g = GbnfRecognizer.Parse(grammar.Gbnf);
        Assert.True(g.Accepts(Output($"<|tool_call>call:get_time{{zone:{Q}UTC{Q}}}<tool_call|>")));
        Assert.True(g.Accepts([.. Unit.FromText("<|tool_call>"), .. Output($"call:get_time{{zone:{Q}UTC{Q}}}<tool_call|>")]));
    }

    [Fact]
    public void Build_AutoWithTokenId_IsLazyOnThatToken()
    {
        var grammar = ToolCallGrammar.Build([Time], null, allowMultipleCalls: false, new GrammarOptions(ToolCallTokenId: 17))!;

        Assert.True(grammar.IsLazy);
        Assert.Equal([17], grammar.TriggerTokens);
        Assert.Null(grammar.TriggerPatterns);
        Assert.StartsWith("root ::= tool-call\n", grammar.Gbnf, StringComparison.Ordinal);
        Assert.Contains("tool-call ::= <|tool_call> \"call:\"", grammar.Gbnf, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ArgumentKeys_FollowDictSortAndAwkwardKeysAreQuoted()
    {
        var tool = Tools.Declare("f", """
            {"type":"object","properties":{"b":{"type":"integer"},"A":{"type":"integer"},"a":{"type":"integer"},"_x":{"type":"integer"},
             "key:colon":{"type":"integer"}," padded ":{"type":"integer"}},"required":["b","A","a","_x","key:colon"," padded "]}
            """);
        var g = Recognizer([tool], ChatToolMode.RequireAny);

        // Python sorts "key".lower() by code point: " padded " < "_x" < "A" = "a" (stable) < "b" < "key:colon".
        Assert.True(g.Accepts(Output($"<|tool_call>call:f{{{Q} padded {Q}:1,_x:2,A:3,a:4,b:5,{Q}key:colon{Q}:6}}<tool_call|>")));
        Assert.False(g.Accepts(Output($"<|tool_call>call:f{{{Q} padded {Q}:1,_x:2,a:4,A:3,b:5,{Q}key:colon{Q}:6}}<tool_call|>")));
    }

    [Fact]
    public void Build_ValuesInGemmaSyntax_AreAccepted()
    {
        var tool = Tools.Declare("f", """
            {"type":"object","properties":{
              "n":{"type":"number"},"i":{"type":"integer"},"b":{"type":"boolean"},"z":{"type":"null"},
              "list":{"type":"array","items":{"type":"string"}},
              "obj":{"type":"object","properties":{"Inner":{"type":"integer"},"deep":{"type":"array","items":{"type":"number"}}},"required":["Inner","deep"]},
              "any":{},"e":{"enum":["x\"y",2,null,{"k":[true]}]}},
             "required":["n","i","b","z","list","obj","any","e"]}
            """);
        var g = Recognizer([tool], ChatToolMode.RequireAny);

        Assert.True(g.Accepts(Output(
            $"<|tool_call>call:f{{any:{{free_key:[1,{Q}s{Q},{{}}]}},b:true,e:{{k:[true]}},i:-3,list:[{Q}a{Q},{Q}{Q}],n:1e-05,"
            + $"obj:{{deep:[2.5,-0.1],Inner:7}},z:null}}<tool_call|>")));
        Assert.True(g.Accepts(Output(
            $"<|tool_call>call:f{{any:null,b:false,e:{Q}x\"y{Q},i:0,list:[],n:3,obj:{{deep:[],Inner:0}},z:null}}<tool_call|>")));
        Assert.False(g.Accepts(Output(
            $"<|tool_call>call:f{{any:null,b:false,e:2,i:0,list:[],n:3,obj:{{deep:[],Inner:0}},z:null,extra:1}}<tool_call|>")));
        Assert.False(g.Accepts(Output(
            $"<|tool_call>call:f{{any:null,b:false,e:2,i:0.5,list:[],n:3,obj:{{deep:[],Inner:0}},z:null}}<tool_call|>")));
    }

    [Fact]
    public void Build_NoParameters_AllowsOnlyEmptyArguments()
    {
        var g = Recognizer([AIFunctionFactory.Create(() => 42, "answer")], ChatToolMode.RequireAny);

        Assert.True(g.Accepts(Output("<|tool_call>call:answer{}<tool_call|>")));
        Assert.False(g.Accepts(Output($"<|tool_call>call:answer{{x:1}}<tool_call|>")));
    }

    [Fact]
    public void Build_ParametersNotAnObject_Throws()
    {
        var ex = Assert.Throws<NotSupportedException>(() => ToolCallGrammar.Build([Tools.Declare("f", """{"type":"string"}""")], ChatToolMode.RequireAny, true));

        Assert.Contains("'#/type'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EnumHoldingTheQuote_Throws()
    {
        var ex = Assert.Throws<NotSupportedException>(() =>
            ToolCallGrammar.Build([Tools.Declare("f", """{"type":"object","properties":{"e":{"enum":["a<|\"|>b"]}}}""")], ChatToolMode.RequireAny, true));

        Assert.Contains("#/properties/e/enum/0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ToolsWithEqualParameters_ShareRules()
    {
        var a = Tools.Declare("a", """{"type":"object","properties":{"x":{"type":"array","items":{"type":"integer"}}},"required":["x"]}""");
        var b = Tools.Declare("b", """{"type":"object","properties":{"x":{"type":"array","items":{"type":"integer"}}},"required":["x"]}""");
        var gbnf = ToolCallGrammar.Build([a, b], ChatToolMode.RequireAny, true)!.Gbnf;

        Assert.Contains("call-b ::= \"b\" call-a-args\n", gbnf, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Build_ThoughtPrefix_AllowsReasoningBeforeTheCalls(bool openInPrompt)
    {
        var thought = openInPrompt ? ThoughtPrefix.Open : ThoughtPrefix.Optional;
        var g = Recognizer([Time], ChatToolMode.RequireAny, options: new GrammarOptions(thought));
        var call = $"<|tool_call>call:get_time{{zone:{Q}UTC{Q}}}<tool_call|>";
        var reasoning = thought == ThoughtPrefix.Open ? "Let me check <the> zone.\n<channel|>" : "<|channel>thought\nLet me check.\n<channel|>";

        Assert.True(g.Accepts(Output(reasoning + call)));
        Assert.Equal(thought == ThoughtPrefix.Optional, g.Accepts(Output(call)));
        Assert.False(g.AcceptsPrefix(Output(reasoning.Replace("<channel|>", "<channel|><channel|>", StringComparison.Ordinal))));
    }
}

public sealed class ToolCallGrammarIntegerRangeTests
{
    private static readonly AIFunction Typed = AIFunctionFactory.Create(
        (int count, byte level, long id, uint size, int[] ids, int? maybe, Dictionary<string, short> weights) => 0, "typed");

    private static List<Unit> Call(string arguments) => Unit.Tokens($"<|tool_call>call:typed{{{arguments}}}<tool_call|>", Tools.ControlTokens);

    private static string Arguments(string count = "1", string level = "1", string id = "1", string size = "1", string ids = "1", string maybe = "1", string weight = "1") =>
        $"count:{count},id:{id},ids:[{ids}],level:{level},maybe:{maybe},size:{size},weights:{{w:{weight}}}";

    [Theory]
    [InlineData("count", "2147483647", true)]
    [InlineData("count", "-2147483648", true)]
    [InlineData("count", "2147483648", false)]
    [InlineData("count", "2228968267322", false)] // what a random model wrote for an int in the review
    [InlineData("level", "255", true)]
    [InlineData("level", "256", false)]
    [InlineData("level", "-1", false)]
    [InlineData("id", "2228968267322", true)] // long keeps the 16-digit default
    [InlineData("size", "4294967295", true)]
    [InlineData("size", "-1", false)]
    [InlineData("ids", "7,2147483648", false)]
    [InlineData("ids", "7,2147483647", true)]
    [InlineData("maybe", "2147483648", false)]
    [InlineData("maybe", "null", true)]
    [InlineData("weight", "32767", true)]
    [InlineData("weight", "32768", false)]
    public async Task Build_AFunctionWithIntegralParameters_KeepsIntegersWithinTheirDotNetTypes(string parameter, string value, bool accepted)
    {
        var g = GbnfRecognizer.Parse(ToolCallGrammar.Build([Typed], ChatToolMode.RequireAny, allowMultipleCalls: false)!.Gbnf);
        var arguments = parameter switch
        {
            "count" => Arguments(count: value),
            "level" => Arguments(level: value),
            "id" => Arguments(id: value),
            "size" => Arguments(size: value),
            "ids" => Arguments(ids: value),
            "maybe" => Arguments(maybe: value),
            _ => Arguments(weight: value),
        };

        Assert.True(g.Accepts(Call(Arguments())), "the baseline call must be accepted");
        Assert.Equal(accepted, g.Accepts(Call(arguments)));

        // Every value the grammar accepts binds: invoking the real function with it does not throw.
        if (accepted)
        {
            var call = Assert.IsType<FunctionCallContent>(Assert.Single(Gemma4.AI.Parsing.Gemma4OutputParser.Parse($"<|tool_call>call:typed{{{arguments}}}<tool_call|>")));
            _ = await Typed.InvokeAsync(new AIFunctionArguments(call.Arguments));
        }
    }

    [Theory]
    [InlineData("int32", "2147483647", true)]
    [InlineData("int32", "2147483648", false)]
    [InlineData("uint8", "256", false)]
    [InlineData("int64", "2228968267322", true)]
    public void Build_AnIntegerFormat_IsHonoured(string format, string value, bool accepted)
    {
        var tool = Tools.Declare("f", $$$"""{"type":"object","properties":{"n":{"type":"integer","format":"{{{format}}}"}},"required":["n"]}""");
        var g = GbnfRecognizer.Parse(ToolCallGrammar.Build([tool], ChatToolMode.RequireAny, allowMultipleCalls: false)!.Gbnf);

        Assert.Equal(accepted, g.Accepts(Unit.Tokens($"<|tool_call>call:f{{n:{value}}}<tool_call|>", Tools.ControlTokens)));
    }
}
