using Gemma4.AI.Formatting;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>
/// Gemma vocabularies mark ordinary pieces user-defined too (HTML tags, whitespace runs), beside the format markers
/// such as <c>&lt;|tool_call&gt;</c>: those pieces are text, in prompts and in output.
/// </summary>
public sealed class UserDefinedTokenTests(TinyChatModel fixture) : IClassFixture<TinyChatModel>
{
    [Fact]
    public void OrdinaryUserDefinedToken_IsText_FormatMarkersStaySpecial()
    {
        var tokenizer = fixture.Model.Tokenizer;
        var code = TestVocabulary.Default.IdOf("<code>");
        var toolCall = tokenizer.SpecialTokenId(Gemma4Tokens.ToolCallStart);

        var ids = tokenizer.TokenizeContent("see <code>x</code> here");

        Assert.False(tokenizer.IsSpecial(code));
        Assert.True(tokenizer.IsSpecial(toolCall));
        Assert.Contains(code, ids); // one token, as llama.cpp (and the official tokenizer) split it
        Assert.Equal("see <code>x</code> here", tokenizer.Detokenize(ids));
        Assert.DoesNotContain(toolCall, tokenizer.TokenizeContent("<|tool_call>")); // markers in content are still cut
    }

    [Fact]
    public async Task OrdinaryUserDefinedToken_Generated_AppearsInTheAnswer()
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var code = TestVocabulary.Default.IdOf("<code>");
        var options = new ChatOptions
        {
            Temperature = 0,
            RawRepresentationFactory = _ => new Gemma4GenerationOptions { Grammar = $"root ::= <[{code}]> \"x\"" },
        };

        var response = await client.GetResponseAsync("Show code.", options);

        Assert.Equal("<code>x", response.Text);
    }
}
