using Gemma4.AI.Engine;
using Gemma4.AI.Formatting;

namespace Gemma4.AI.IntegrationTests.Grammar;

/// <summary>llama.cpp accepts every grammar the generators write, and the token forms they rely on.</summary>
[Collection(GrammarModelGroup.Name)]
public sealed class GrammarValidationTests(GrammarModel model)
{
    [Fact]
    public void Validate_EveryGeneratedGrammar_IsAcceptedByLlamaCpp()
    {
        var toolCall = model.Tokenizer.SpecialTokenId(Gemma4Tokens.ToolCallStart);
        Assert.True(toolCall >= 0);
        var failures = new List<string>();
        var count = 0;
        foreach (var (name, grammar) in GrammarCorpus.All(toolCall))
        {
            count++;
            try
            {
                SamplerChainFactory.Validate(model.Tokenizer, grammar);
            }
            catch (ArgumentException ex)
            {
                failures.Add(name + ": " + ex.Message + "\n" + grammar.Gbnf);
            }
        }

        Assert.True(count > 30);
        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("<|tool_call>")]
    [InlineData("<tool_call|>")]
    [InlineData("<|\"|>")]
    [InlineData("<|channel>")]
    [InlineData("<channel|>")]
    [InlineData("<|tool_response>")]
    public void Validate_ControlTokenWrittenAsTokenReference_IsAccepted(string token) =>
        SamplerChainFactory.Validate(model.Tokenizer, new GrammarConstraint("root ::= " + token + " \"x\"\n"));

    [Fact]
    public void Validate_TokenById_IsAccepted()
    {
        var id = model.Tokenizer.SpecialTokenId(Gemma4Tokens.ToolCallEnd);

        SamplerChainFactory.Validate(model.Tokenizer, new GrammarConstraint($"root ::= <[{id}]>\n"));
    }

    [Theory]
    [InlineData("root ::= <|no_such_token|>\n")]
    [InlineData("root ::= <hello world>\n")]
    [InlineData("root ::= undefined-rule\n")]
    [InlineData("root ::= <[99999]>\n")]
    [InlineData("root ::= rule_with_underscore\nrule_with_underscore ::= \"x\"\n")]
    public void Validate_InvalidGrammar_ThrowsInsteadOfCrashing(string gbnf) =>
        Assert.Throws<ArgumentException>(() => SamplerChainFactory.Validate(model.Tokenizer, new GrammarConstraint(gbnf)));

    [Theory]
    [InlineData("root ::= \"a\" (\n", "expecting")]
    [InlineData("root ::= undefined-rule\n", "undefined-rule")]
    [InlineData("root ::= rule_with_underscore\nrule_with_underscore ::= \"x\"\n", "expecting")]
    [InlineData("root ::= [a-\n", "unexpected end of input")]
    public void Validate_InvalidGrammar_ExceptionCarriesLlamaCppsParseError(string gbnf, string expected)
    {
        // llama.cpp's parser writes its error to standard error, not to the log: it is captured into the message.
        var ex = Assert.Throws<ArgumentException>(() => SamplerChainFactory.Validate(model.Tokenizer, new GrammarConstraint(gbnf)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("see the native log", ex.Message, StringComparison.Ordinal);
    }
}
