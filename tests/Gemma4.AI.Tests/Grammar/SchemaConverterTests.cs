using Gemma4.AI.Grammar;
using Gemma4.AI.Tests.Grammar.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Grammar;

/// <summary>JSON Schema to GBNF, through the JSON response-format grammar.</summary>
public sealed class SchemaConverterTests
{
    private const string JsonHelpers =
        "ws ::= | \" \" | \"\\n\" [ \\t]{0,20}\n";

    private static readonly string StringRules =
        "char ::= [^\"\\\\\\x7F\\x00-\\x1F" + Gemma4.AI.Grammar.Gbnf.NotScalarValues + "] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" ([0-9a-cA-CeEfF] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2}))\n"
        + "string ::= \"\\\"\" char* \"\\\"\"\n";

    internal static string Gbnf(string schema) =>
        ResponseFormatGrammar.Build(ChatResponseFormat.ForJsonSchema(Schemas.Parse(schema)))!.Gbnf;

    internal static GbnfRecognizer Grammar(string schema) => GbnfRecognizer.Parse(Gbnf(schema));

    [Fact]
    public void Convert_String_IsTheSharedStringRule() =>
        Assert.Equal("root ::= string\n" + JsonHelpers + StringRules, Gbnf("""{"type":"string"}"""));

    [Fact]
    public void Convert_ObjectWithOptionalMember_WritesEachPossibleFirstMember() => Assert.Equal(
        "root ::= schema\n" + JsonHelpers
        + "integer ::= \"-\"? (\"0\" | [1-9] [0-9]{0,15})\n"
        + "boolean ::= \"true\" | \"false\"\n"
        + "schema ::= \"{\" ws (\"\\\"a\\\":\" ws integer \",\" ws \"\\\"b\\\":\" ws boolean | \"\\\"b\\\":\" ws boolean) ws \"}\"\n",
        Gbnf("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"boolean"}},"required":["b"]}"""));

    [Fact]
    public void Convert_OptionalMembers_AcceptEverySubsetInDeclaredOrder()
    {
        var g = Grammar("""{"properties":{"a":{"type":"integer"},"b":{"type":"integer"},"c":{"type":"integer"}},"required":["b"]}""");

        Assert.All(
            ["""{"b":1}""", """{"a":1,"b":2}""", """{"b":1,"c":2}""", """{"a":1,"b":2,"c":3}""", "{ \"a\": 1,\n  \"b\": 2\n}"],
            s => Assert.True(g.Accepts(s), s));
        Assert.All(
            ["{}", """{"a":1}""", """{"b":1,"a":2}""", """{"b":1,"b":2}""", """{"b":1,}""", """{"b":1,"d":2}""", """{"a":1,"c":2}"""],
            s => Assert.False(g.Accepts(s), s));
    }

    [Fact]
    public void Convert_AllOptional_AcceptsEmptyObject()
    {
        var g = Grammar("""{"properties":{"a":{"type":"integer"},"b":{"type":"integer"}}}""");

        Assert.All(["{}", "{ }", """{"a":1}""", """{"b":1}""", """{"a":1,"b":1}"""], s => Assert.True(g.Accepts(s), s));
        Assert.False(g.Accepts("""{"b":1,"a":1}"""));
    }

    [Fact]
    public void Convert_AdditionalPropertiesTrue_AllowsExtraMembersAfterTheDeclaredOnes()
    {
        var g = Grammar("""{"properties":{"a":{"type":"integer"}},"required":["a"],"additionalProperties":true}""");

        Assert.True(g.Accepts("""{"a":1,"x":[true,null],"y":{"z":"w"}}"""));
        Assert.False(g.Accepts("""{"x":1,"a":1}"""));
    }

    [Fact]
    public void Convert_Dictionary_AcceptsAnyKeysWithTypedValues()
    {
        var g = Grammar("""{"type":"object","additionalProperties":{"type":"integer"}}""");

        Assert.True(g.Accepts("""{"one":1,"two":-2}"""));
        Assert.True(g.Accepts("{}"));
        Assert.False(g.Accepts("""{"one":"1"}"""));
    }

    [Fact]
    public void Convert_ObjectWithoutProperties_IsAnyObject() =>
        Assert.Contains("root ::= object\n", Gbnf("""{"type":"object"}"""), StringComparison.Ordinal);

    [Theory]
    [InlineData("true")]
    [InlineData("{}")]
    [InlineData("""{"description":"anything"}""")]
    public void Convert_SchemaAcceptingEverything_IsAnyValue(string schema)
    {
        var g = Grammar(schema);

        Assert.All(["1", "\"s\"", "null", "[1,{\"a\":[]}]", "{\"k\":false}"], s => Assert.True(g.Accepts(s), s));
    }

    [Fact]
    public void Convert_ArrayBounds_AreExact()
    {
        var g = Grammar("""{"type":"array","items":{"type":"integer"},"minItems":2,"maxItems":3}""");

        Assert.All(["[1,2]", "[1, 2, 3]"], s => Assert.True(g.Accepts(s), s));
        Assert.All(["[]", "[1]", "[1,2,3,4]"], s => Assert.False(g.Accepts(s), s));
    }

    [Fact]
    public void Convert_PrefixItems_RequiresTheTupleThenItems()
    {
        var g = Grammar("""{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":{"type":"boolean"}}""");

        Assert.All(["""["a",1]""", """["a",1,true,false]"""], s => Assert.True(g.Accepts(s), s));
        Assert.All(["""["a"]""", """[1,"a"]""", """["a",1,2]"""], s => Assert.False(g.Accepts(s), s));

        var closed = Grammar("""{"type":"array","prefixItems":[{"type":"string"}],"items":false}""");
        Assert.True(closed.Accepts("""["a"]"""));
        Assert.False(closed.Accepts("""["a","b"]"""));
    }

    [Fact]
    public void Convert_StringLengths_CountCharactersAndEscapes()
    {
        var g = Grammar("""{"type":"string","minLength":2,"maxLength":3}""");

        Assert.All(["\"ab\"", "\"abc\"", "\"a\\n\"", "\"é😀\""], s => Assert.True(g.Accepts(s), s));
        Assert.All(["\"a\"", "\"abcd\""], s => Assert.False(g.Accepts(s), s));
    }

    [Theory]
    [InlineData("date", "\"2024-02-28\"|\"1999-12-31\"|\"2024-04-30\"", "\"2024-02-30\"|\"2024-04-31\"|\"2024-13-01\"|\"0000-01-01\"|\"2024-1-01\"")]
    [InlineData("time", "\"23:59:59\"|\"08:00:00.123Z\"|\"10:30:00+02:00\"", "\"24:00:00\"|\"10:60:00\"|\"10:30\"")]
    [InlineData("date-time", "\"2024-01-31T10:00:00Z\"|\"2024-01-31T10:00:00.5-05:30\"", "\"2024-01-31T10:00:00\"|\"2024-01-31 10:00:00Z\"")]
    [InlineData("uuid", "\"123e4567-e89b-12d3-a456-426614174000\"", "\"123e4567e89b12d3a456426614174000\"")]
    [InlineData("email", "\"anything at all\"", "1")]
    public void Convert_StringFormat_AcceptsOnlyThatForm(string format, string accepted, string rejected)
    {
        var g = Grammar("{\"type\":\"string\",\"format\":\"" + format + "\"}");

        Assert.All(accepted.Split('|'), s => Assert.True(g.Accepts(s), s));
        Assert.All(rejected.Split('|'), s => Assert.False(g.Accepts(s), s));
    }

    [Fact]
    public void Convert_EnumAndConst_WriteCanonicalJson()
    {
        var g = Grammar("""{"enum":["a\"b","c\\d","e\nf",1.5,null,true,{"k":[1]}]}""");

        Assert.All(["\"a\\\"b\"", "\"c\\\\d\"", "\"e\\nf\"", "1.5", "null", "true", "{\"k\":[1]}"], s => Assert.True(g.Accepts(s), s));
        Assert.All(["\"x\"", "false", "1.50"], s => Assert.False(g.Accepts(s), s));

        Assert.True(Grammar("""{"const":"fixed"}""").Accepts("\"fixed\""));
    }

    [Fact]
    public void Convert_TypeListAndNullable_AcceptEachType()
    {
        var list = Grammar("""{"type":["string","integer","null"]}""");
        Assert.All(["\"s\"", "3", "null"], s => Assert.True(list.Accepts(s), s));
        Assert.False(list.Accepts("true"));

        var nullable = Grammar("""{"type":"integer","nullable":true}""");
        Assert.True(nullable.Accepts("null"));
        Assert.True(nullable.Accepts("-4"));
    }

    [Fact]
    public void Convert_AnyOfAndOneOf_AcceptEachAlternative()
    {
        Assert.True(Grammar("""{"anyOf":[{"type":"string"},{"type":"boolean"}]}""").Accepts("false"));
        Assert.True(Grammar("""{"oneOf":[{"type":"string"},{"type":"boolean"}]}""").Accepts("\"x\""));
        Assert.True(Grammar("""{"allOf":[{"type":"boolean"}]}""").Accepts("true"));
    }

    [Fact]
    public void Convert_IntegerAndNumberBounds_AreEnforced()
    {
        var i = Grammar("""{"type":"integer","minimum":1,"exclusiveMaximum":10}""");
        Assert.True(i.Accepts("9"));
        Assert.False(i.Accepts("10"));
        Assert.False(i.Accepts("0"));

        var n = Grammar("""{"type":"number","minimum":0,"maximum":1}""");
        Assert.True(n.Accepts("0.25"));
        Assert.False(n.Accepts("1.5"));
        Assert.False(n.Accepts("-0.1"));
    }

    [Theory]
    [InlineData("""{"$defs":{"Item":{"type":"integer"}},"type":"array","items":{"$ref":"#/$defs/Item"}}""", "[1,2]", "[\"1\"]")]
    [InlineData("""{"definitions":{"Item":{"type":"integer"}},"type":"array","items":{"$ref":"#/definitions/Item"}}""", "[1,2]", "[\"1\"]")]
    [InlineData("""{"type":"object","properties":{"next":{"$ref":"#"},"v":{"type":"integer"}},"required":["v"]}""", """{"next":{"v":1},"v":2}""", """{"next":{},"v":2}""")]
    [InlineData("""{"$defs":{"Tree":{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#/$defs/Tree"}}},"required":["kids"]}},"$ref":"#/$defs/Tree"}""", """{"kids":[{"kids":[]},{"kids":[{"kids":[]}]}]}""", """{"kids":[{}]}""")]
    [InlineData("""{"$defs":{"a~b/c":{"type":"boolean"}},"$ref":"#/$defs/a~0b~1c"}""", "true", "1")]
    public void Convert_LocalRefs_ResolveIncludingRecursion(string schema, string accepted, string rejected)
    {
        var g = Grammar(schema);

        Assert.True(g.Accepts(accepted), accepted);
        Assert.False(g.Accepts(rejected), rejected);
    }

    [Fact]
    public void Convert_NonRecursiveRef_NeedsNoAliasRule()
    {
        var gbnf = Gbnf("""{"$defs":{"Item":{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"]}},"type":"array","items":{"$ref":"#/$defs/Item"}}""");

        Assert.DoesNotContain("schema-Item ::= schema-Item", gbnf, StringComparison.Ordinal);
        Assert.Equal(1, gbnf.Split('\n').Count(l => l.Contains("\\\"x\\\":", StringComparison.Ordinal)));
    }

    public static TheoryData<string, string, string> Unsupported => new()
    {
        { """{"type":"string","pattern":"^a+$"}""", "pattern", "#/pattern" },
        { """{"type":"object","patternProperties":{"^x":{}}}""", "patternProperties", "#/patternProperties" },
        { """{"properties":{"a":{"not":{"type":"string"}}}}""", "not", "#/properties/a/not" },
        { """{"if":{"type":"string"},"then":{"minLength":1}}""", "if", "#/if" },
        { """{"type":"array","items":{"type":"integer"},"uniqueItems":true}""", "uniqueItems", "#/uniqueItems" },
        { """{"type":"integer","multipleOf":5}""", "multipleOf", "#/multipleOf" },
        { """{"type":"object","minProperties":1}""", "minProperties", "#/minProperties" },
        { """{"$ref":"https://example.com/schema.json"}""", "$ref", "#/$ref" },
        { """{"$ref":"#/$defs/Missing"}""", "$ref", "#/$ref" },
        { """{"$ref":"#anchor"}""", "$ref", "#/$ref" },
        { """{"$defs":{"Loop":{"$ref":"#/$defs/Loop"}},"$ref":"#/$defs/Loop"}""", "$ref", "#/$defs/Loop/$ref" },
        { """{"anyOf":[{"$ref":"#"},{"type":"string"}]}""", "$ref", "#/anyOf/0/$ref" },
        { """{"allOf":[{"type":"string"},{"minLength":2}]}""", "allOf", "#/allOf" },
        { """{"type":"number","exclusiveMinimum":0}""", "exclusiveMinimum", "#/exclusiveMinimum" },
        { """{"type":"number","maximum":2.5}""", "maximum", "#/maximum" },
        { """{"type":"string","minLength":5000}""", "minLength", "#/minLength" },
        { """{"type":"uuid"}""", "type", "#/type" },
        { """{"properties":{"a":false}}""", "false", "#/properties/a" },
        { """{"properties":{"a":{}},"required":["b"]}""", "required", "#/required" },
        { """{"enum":[]}""", "enum", "#/enum" },
        { """{"items":{"type":"string","contains":{"const":"x"}}}""", "contains", "#/items/contains" },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void Convert_UnsupportedFeature_ThrowsNamingFeatureAndPointer(string schema, string feature, string location)
    {
        var ex = Assert.Throws<NotSupportedException>(() => Gbnf(schema));

        Assert.Contains($"'{feature}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{location}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_AwkwardPropertyNames_AreEscaped()
    {
        var g = Grammar("""{"properties":{"we\"ird\\key":{"type":"integer"},"new\nline":{"type":"integer"},"é 😀":{"type":"integer"}},"required":["we\"ird\\key","new\nline","é 😀"]}""");

        Assert.True(g.Accepts("{\"we\\\"ird\\\\key\":1,\"new\\nline\":2,\"é 😀\":3}"));
    }

    [Fact]
    public void Convert_PlainJsonMode_IsAnObject()
    {
        var gbnf = ResponseFormatGrammar.Build(ChatResponseFormat.Json)!.Gbnf;
        var g = GbnfRecognizer.Parse(gbnf);

        Assert.StartsWith("root ::= object\n", gbnf, StringComparison.Ordinal);
        Assert.True(g.Accepts("""{"a":[1,2.5e-3,"x",{"b":null}]}"""));
        Assert.False(g.Accepts("[1]"));
        Assert.False(g.Accepts("\"text\""));
    }

    [Fact]
    public void Convert_Whitespace_IsBounded()
    {
        var g = Grammar("""{"type":"array","items":{"type":"integer"}}""");

        Assert.True(g.Accepts("[\n  1,\n  2\n]"));
        Assert.False(g.Accepts("[1,  2]"));
        Assert.False(g.Accepts("[1," + "\n" + new string(' ', 21) + "2]"));
    }

    [Fact]
    public void Convert_TextFormat_HasNoGrammar()
    {
        Assert.Null(ResponseFormatGrammar.Build(ChatResponseFormat.Text));
        Assert.Null(ResponseFormatGrammar.Build(null));
    }
}
