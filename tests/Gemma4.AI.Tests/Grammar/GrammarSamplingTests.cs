using System.ComponentModel;
using System.Text;
using System.Text.Json;
using Gemma4.AI.Grammar;
using Gemma4.AI.Parsing;
using Gemma4.AI.Tests.Grammar.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Grammar;

/// <summary>
/// Whatever a grammar lets a model write is valid: random walks through the generated grammars (as a model with random
/// weights would take) parse and validate against their schema, for JSON answers and for Gemma 4 tool calls.
/// </summary>
public sealed class GrammarSamplingTests
{
    private const int Samples = 150;

    public enum Color
    {
        Red,
        Green,
    }

    public static TheoryData<string> JsonSchemas => new()
    {
        """{"type":"object","properties":{"a":{"type":"integer","minimum":-20,"maximum":300},"b":{"type":"string","maxLength":5},"c":{"type":"boolean"}},"required":["b"]}""",
        """{"type":"array","items":{"type":"number","minimum":-2,"maximum":3},"minItems":1,"maxItems":4}""",
        """{"type":["string","null"],"format":"date-time"}""",
        """{"type":"object","properties":{"d":{"type":"string","format":"date"},"t":{"type":"string","format":"time"},"u":{"type":"string","format":"uuid"}},"required":["d","t","u"]}""",
        """{"anyOf":[{"type":"integer","exclusiveMinimum":5},{"enum":["x","y\n\"z\"",null]},{"const":{"k":[1,2]}}]}""",
        """{"$defs":{"Node":{"type":"object","properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/$defs/Node"},"maxItems":2}},"required":["v"]}},"$ref":"#/$defs/Node"}""",
        """{"type":"object","properties":{"fixed":{"type":"integer"}},"required":["fixed"],"additionalProperties":{"type":"string","minLength":1,"maxLength":3}}""",
        """{"type":"array","prefixItems":[{"type":"string","maxLength":2},{"type":"null"}],"items":false}""",
        """{"type":"string","maxLength":6}""",
        """{"type":"array","items":{"type":"string","minLength":2,"format":"uuid"},"minItems":2}""",
        """{}""",
        """{"type":"object","properties":{"weird \"key\"\\":{"type":"number"},"é😀":{"type":"integer","maximum":-3}}}""",
    };

    [Theory]
    [MemberData(nameof(JsonSchemas))]
    public void JsonGrammar_RandomOutputs_AreValidJsonForTheSchema(string schemaText)
    {
        var schema = Schemas.Parse(schemaText);
        var grammar = GbnfRecognizer.Parse(ResponseFormatGrammar.Build(ChatResponseFormat.ForJsonSchema(schema))!.Gbnf);
        var sampler = new GbnfSampler(grammar, new Random(schemaText.Length));
        for (var i = 0; i < Samples; i++)
        {
            var text = string.Concat(sampler.Sample().Select(u => u.Text));
            using var document = JsonDocument.Parse(text);
            SchemaValidation.AssertValid(schema, document.RootElement, text);
        }
    }

    [Fact]
    public void JsonGrammar_ClrTypeSchema_RandomOutputsDeserialize()
    {
        var format = ChatResponseFormat.ForJsonSchema<Person>();
        var grammar = GbnfRecognizer.Parse(ResponseFormatGrammar.Build(format)!.Gbnf);
        var sampler = new GbnfSampler(grammar, new Random(3));
        for (var i = 0; i < Samples; i++)
        {
            var text = string.Concat(sampler.Sample(softLength: 120).Select(u => u.Text));
            using var document = JsonDocument.Parse(text);
            SchemaValidation.AssertValid(format.Schema!.Value, document.RootElement, text);
            Assert.NotNull(JsonSerializer.Deserialize<Person>(text, AIJsonUtilities.DefaultOptions));
        }
    }

    public static TheoryData<string> ToolSchemas => new()
    {
        """{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1,"maximum":14},"unit":{"enum":["C","F"]}},"required":["city"]}""",
        """{"type":"object","properties":{"Z":{"type":"array","items":{"type":"number"}},"a":{"type":["boolean","null"]},"m":{"type":"object","properties":{"B":{"type":"string","maxLength":4},"a":{"const":3}},"required":["a","B"]}},"required":["Z","a","m"]}""",
        """{"type":"object","properties":{"any":{},"map":{"type":"object","additionalProperties":{"type":"integer"}}},"required":["any","map"]}""",
        """{"type":"object","properties":{"key:with,structure":{"type":"string","format":"date"}," spaced ":{"type":"null"}},"required":["key:with,structure"," spaced "]}""",
        """{"type":"object","properties":{}}""",
    };

    [Theory]
    [MemberData(nameof(ToolSchemas))]
    public void ToolGrammar_RandomCalls_ParseIntoArgumentsValidForTheSchema(string schemaText)
    {
        var schema = Schemas.Parse(schemaText);
        var tool = Tools.Declare("do_it", schemaText);
        var other = Tools.Declare("other", """{"type":"object","properties":{"x":{"type":"string"}},"required":["x"]}""");
        var grammar = GbnfRecognizer.Parse(ToolCallGrammar.Build([tool, other], ChatToolMode.RequireSpecific("do_it"), true)!.Gbnf);
        var sampler = new GbnfSampler(grammar, new Random(schemaText.Length)) { Tokens = Tools.ControlTokens };
        for (var i = 0; i < Samples; i++)
        {
            var text = string.Concat(sampler.Sample(softLength: 80).Select(u => u.Text));
            var calls = Gemma4OutputParser.Parse(text).ToList();
            Assert.NotEmpty(calls);
            Assert.All(calls, content =>
            {
                var call = Assert.IsType<FunctionCallContent>(content);
                Assert.Null(call.Exception);
                Assert.Equal("do_it", call.Name);
                var arguments = JsonSerializer.SerializeToElement(call.Arguments, AIJsonUtilities.DefaultOptions);
                SchemaValidation.AssertValid(schema, arguments, text);
            });
        }
    }

    [Fact]
    public void ToolGrammar_ClrFunction_RandomCallsBindToItsParameters()
    {
        var function = AIFunctionFactory.Create(
            ([Description("where")] string city, int days, double? temperature, Color color, List<int> numbers, Person? person) => string.Empty,
            "plan");
        var grammar = GbnfRecognizer.Parse(ToolCallGrammar.Build([function], ChatToolMode.RequireAny, false)!.Gbnf);
        var sampler = new GbnfSampler(grammar, new Random(11)) { Tokens = Tools.ControlTokens };
        for (var i = 0; i < Samples; i++)
        {
            var text = string.Concat(sampler.Sample(softLength: 150).Select(u => u.Text));
            var call = Assert.IsType<FunctionCallContent>(Assert.Single(Gemma4OutputParser.Parse(text)));
            Assert.Null(call.Exception);
            var arguments = JsonSerializer.SerializeToElement(call.Arguments, AIJsonUtilities.DefaultOptions);
            SchemaValidation.AssertValid(function.JsonSchema, arguments, text);
        }
    }

    [Fact]
    public void ToolGrammar_StringsWithControlTokenText_RoundTripThroughTheParser()
    {
        var tool = Tools.Declare("echo", """{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}""");
        var grammar = GbnfRecognizer.Parse(ToolCallGrammar.Build([tool], ChatToolMode.RequireAny, false)!.Gbnf);
        var sampler = new GbnfSampler(grammar, new Random(5)) { Tokens = Tools.ControlTokens };
        var sawToken = false;
        for (var i = 0; i < Samples; i++)
        {
            var units = sampler.Sample(softLength: 40, stopChance: 0.02);
            var text = string.Concat(units.Select(u => u.Text));
            var call = Assert.IsType<FunctionCallContent>(Assert.Single(Gemma4OutputParser.Parse(text)));
            var value = ((JsonElement)call.Arguments!["text"]!).GetString()!;
            var inner = new StringBuilder();
            var quotes = 0;
            foreach (var u in units)
            {
                if (u.Token == "<|\"|>")
                {
                    quotes++;
                }
                else if (quotes == 1)
                {
                    inner.Append(u.Text);
                    sawToken |= u.Token is not null;
                }
            }

            Assert.Equal(inner.ToString(), value);
        }

        Assert.True(sawToken, "no control token was sampled inside a string");
    }

    public sealed record Address(string Street, int? Number);

    public sealed class Node
    {
        public string Name { get; set; } = string.Empty;

        public List<Node> Children { get; set; } = [];
    }

    public sealed record Person(
        string Name, int Age, double Height, bool Active, Color Favorite, DateTime Born, DateOnly Day, TimeOnly At, Guid Id,
        Address Home, Address? Work, List<string> Tags, Dictionary<string, int> Scores, Node Tree);
}
