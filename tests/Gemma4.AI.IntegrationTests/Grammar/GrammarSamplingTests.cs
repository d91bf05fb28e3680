using System.Text.Json;
using Gemma4.AI.Engine;
using Gemma4.AI.Formatting;
using Gemma4.AI.Grammar;
using Gemma4.AI.Parsing;
using Json.Schema;
using Microsoft.Extensions.AI;
using Xunit.Abstractions;

namespace Gemma4.AI.IntegrationTests.Grammar;

/// <summary>
/// The random-weight tiny model, sampled through the real llama.cpp with the generated grammars, writes output that
/// parses and validates, and stops on an end-of-generation token as soon as the grammar is complete.
/// </summary>
[Collection(GrammarModelGroup.Name)]
public sealed class GrammarSamplingTests(GrammarModel model, ITestOutputHelper output)
{
    private const int Seeds = 6;

    private static readonly EvaluationOptions Validation = new() { OutputFormat = OutputFormat.List };

    // Strings are bounded so a random model closes them well within the token budget.
    public static TheoryData<string> JsonSchemas => new()
    {
        """{"type":"object","properties":{"a":{"type":"integer","minimum":-20,"maximum":300},"b":{"type":"string","maxLength":5},"c":{"type":"boolean"}},"required":["b"]}""",
        """{"type":"array","items":{"type":"number","minimum":-2,"maximum":3},"minItems":1,"maxItems":4}""",
        """{"type":"object","properties":{"d":{"type":"string","format":"date"},"u":{"type":"string","format":"uuid"},"e":{"enum":["x","y\n\"z\"",null]}},"required":["d","u","e"]}""",
        """{"$defs":{"Node":{"type":"object","properties":{"v":{"type":"integer","minimum":0,"maximum":9},"kids":{"type":"array","items":{"$ref":"#/$defs/Node"},"maxItems":2}},"required":["v"]}},"$ref":"#/$defs/Node"}""",
        """{"type":"array","prefixItems":[{"type":"string","maxLength":2},{"type":["null","boolean"]}],"items":false}""",
    };

    [Theory]
    [MemberData(nameof(JsonSchemas))]
    public void Sample_JsonSchemaGrammar_OutputValidatesAndEndsOnEog(string schemaText)
    {
        var schema = GrammarCorpus.Parse(schemaText);
        var grammar = ResponseFormatGrammar.Build(ChatResponseFormat.ForJsonSchema(schema))!;
        var validator = JsonSchema.FromText(schemaText);
        for (uint seed = 1; seed <= Seeds; seed++)
        {
            var generation = model.Generate(grammar, seed, maxTokens: 400);
            output.WriteLine($"seed {seed}: {generation.Text} [{EndName(generation)}]");

            Assert.NotNull(generation.EndToken);
            using var document = JsonDocument.Parse(generation.Text);
            var result = validator.Evaluate(document.RootElement, Validation);
            Assert.True(result.IsValid, generation.Text);
        }
    }

    [Fact]
    public void Sample_PlainJsonMode_OutputIsAnObject()
    {
        var grammar = ResponseFormatGrammar.Build(ChatResponseFormat.Json)!;
        var ended = 0;
        for (uint seed = 1; seed <= Seeds; seed++)
        {
            var generation = model.Generate(grammar, seed, maxTokens: 300);
            output.WriteLine($"seed {seed}: {generation.Text} [{EndName(generation)}]");
            if (generation.EndToken is null)
            {
                continue; // free-form strings and keys may run long with random weights
            }

            ended++;
            using var document = JsonDocument.Parse(generation.Text);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        }

        Assert.True(ended > 0, "no generation finished within the budget");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Sample_RequireAnyToolGrammar_CallsParseValidateAndEndOnEog(bool multiple)
    {
        var weather = AIFunctionFactory.CreateDeclaration("get_weather", null, GrammarCorpus.Parse(
            """{"type":"object","properties":{"city":{"enum":["Paris","Oslo"]},"days":{"type":"integer","minimum":1,"maximum":14},"note":{"type":"string","maxLength":4},"units":{"type":"array","items":{"type":"boolean"},"maxItems":3}},"required":["city","days"]}"""));
        var time = AIFunctionFactory.CreateDeclaration("get_time", null, GrammarCorpus.Parse(
            """{"type":"object","properties":{"zone":{"type":"string","maxLength":6}},"required":["zone"]}"""));
        var grammar = ToolCallGrammar.Build([weather, time], ChatToolMode.RequireAny, multiple)!;
        var schemas = new Dictionary<string, JsonSchema>
        {
            ["get_weather"] = JsonSchema.FromText(weather.JsonSchema.GetRawText()),
            ["get_time"] = JsonSchema.FromText(time.JsonSchema.GetRawText()),
        };

        for (uint seed = 1; seed <= Seeds; seed++)
        {
            var generation = model.Generate(grammar, seed, maxTokens: 400);
            output.WriteLine($"seed {seed}: {generation.Text} [{EndName(generation)}]");

            Assert.NotNull(generation.EndToken);
            var calls = Gemma4OutputParser.Parse(generation.Text).Cast<FunctionCallContent>().ToList();
            Assert.NotEmpty(calls);
            if (!multiple)
            {
                Assert.Single(calls);
            }

            Assert.All(calls, call =>
            {
                Assert.Null(call.Exception);
                var arguments = JsonSerializer.SerializeToElement(call.Arguments, AIJsonUtilities.DefaultOptions);
                Assert.True(schemas[call.Name].Evaluate(arguments, Validation).IsValid, generation.Text);
            });
        }
    }

    [Fact]
    public void Sample_ToolGrammar_MarkersAreSingleControlTokens()
    {
        var time = AIFunctionFactory.CreateDeclaration("get_time", null, GrammarCorpus.Parse(
            """{"type":"object","properties":{"zone":{"enum":["UTC","CET"]}},"required":["zone"]}"""));
        var grammar = ToolCallGrammar.Build([time], ChatToolMode.RequireAny, false)!;
        var start = model.Tokenizer.SpecialTokenId(Gemma4Tokens.ToolCallStart);
        var end = model.Tokenizer.SpecialTokenId(Gemma4Tokens.ToolCallEnd);
        var quote = model.Tokenizer.SpecialTokenId(Gemma4Tokens.Quote);

        var generation = model.Generate(grammar, seed: 3, maxTokens: 100);

        Assert.Equal(start, generation.Tokens[0]);
        Assert.Equal(end, generation.Tokens[^1]);
        Assert.Equal(2, generation.Tokens.Count(t => t == quote));
        Assert.NotNull(generation.EndToken);
    }

    [Fact]
    public void Sample_QuotedLiteralOfControlText_DoesNotForceTheToken()
    {
        // llama.cpp matches a control token's text against character rules, so a quoted "<tool_call|>" allows the token
        // and every spelling of it with ordinary tokens; a token reference allows exactly the token.
        var end = model.Tokenizer.SpecialTokenId(Gemma4Tokens.ToolCallEnd);
        var spelled = 0;
        for (uint seed = 1; seed <= 12; seed++)
        {
            var quoted = model.Generate(new GrammarConstraint("root ::= \"<tool_call|>\"\n"), seed, maxTokens: 40);
            var reference = model.Generate(new GrammarConstraint("root ::= <tool_call|>\n"), seed, maxTokens: 40);

            Assert.Equal("<tool_call|>", quoted.Text);
            spelled += quoted.Tokens.Count > 1 ? 1 : 0;
            Assert.Equal([end], reference.Tokens);
            Assert.NotNull(reference.EndToken);
        }

        Assert.True(spelled > 0, "the quoted literal always produced the single token");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Sample_LazyAutoGrammar_FreeTextUntilTheTriggerThenAValidCall(bool triggerByToken)
    {
        var time = AIFunctionFactory.CreateDeclaration("get_time", null, GrammarCorpus.Parse(
            """{"type":"object","properties":{"zone":{"type":"string","maxLength":5}},"required":["zone"]}"""));
        var start = model.Tokenizer.SpecialTokenId(Gemma4Tokens.ToolCallStart);
        var options = triggerByToken ? new GrammarOptions(ToolCallTokenId: start) : GrammarOptions.Default;
        var grammar = ToolCallGrammar.Build([time], ChatToolMode.Auto, allowMultipleCalls: false, options)!;
        Assert.True(grammar.IsLazy);

        for (uint seed = 1; seed <= Seeds; seed++)
        {
            // The random model writes a few free tokens, then is pushed to emit the trigger.
            var triggerStep = (int)seed * 3;
            var generation = model.Generate(grammar, seed, maxTokens: 300, step => step == triggerStep ? start : null);
            output.WriteLine($"seed {seed}: {generation.Text} [{EndName(generation)}]");

            // The model may emit the trigger on its own before it is pushed to.
            Assert.NotNull(generation.EndToken);
            var at = generation.Tokens.ToList().IndexOf(start);
            Assert.InRange(at, 0, triggerStep);

            // Parse from the trigger on: the random free text before it may hold markers that end a turn.
            var call = Assert.Single(Gemma4OutputParser.Parse(model.Text(generation.Tokens.Skip(at))).OfType<FunctionCallContent>());
            Assert.Null(call.Exception);
            Assert.Equal("get_time", call.Name);
            Assert.True(generation.Text.EndsWith(Gemma4Tokens.ToolCallEnd, StringComparison.Ordinal), generation.Text);
        }
    }

    [Fact]
    public void Sample_LazyAutoGrammar_WithoutTriggerIsUnconstrained()
    {
        var time = AIFunctionDeclarationFor("""{"type":"object","properties":{}}""");
        var start = model.Tokenizer.SpecialTokenId(Gemma4Tokens.ToolCallStart);
        var grammar = ToolCallGrammar.Build([time], ChatToolMode.Auto, true, new GrammarOptions(ToolCallTokenId: start))!;
        for (uint seed = 1; seed <= 4; seed++)
        {
            var free = model.Generate(null, seed, maxTokens: 30);
            var lazy = model.Generate(grammar, seed, maxTokens: 30);

            // Same seed, same tokens as without a grammar, up to the trigger (if the model happened to write it).
            var untilTrigger = free.Tokens.TakeWhile(t => t != start).Count();
            Assert.Equal(free.Tokens.Take(untilTrigger + 1), lazy.Tokens.Take(untilTrigger + 1));
        }
    }

    private static AIFunctionDeclaration AIFunctionDeclarationFor(string schema) =>
        AIFunctionFactory.CreateDeclaration("get_time", null, GrammarCorpus.Parse(schema));

    private string EndName(Generation generation) =>
        generation.EndToken is { } t ? model.Text([t]) : "max tokens";
}
