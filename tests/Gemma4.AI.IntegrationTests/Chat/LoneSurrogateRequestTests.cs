using Gemma4.AI.IntegrationTests.Embeddings;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>
/// Lone surrogates through the real engine: message text and embedding input reach the model with U+FFFD in their
/// place (what the UTF-8 it reads can hold); a stop sequence holding one is refused.
/// </summary>
public sealed class LoneSurrogateRequestTests(TinyChatModel fixture) : IClassFixture<TinyChatModel>
{
    [Fact]
    public async Task MessageText_WithALoneSurrogate_IsAnsweredAsWithReplacementCharacter()
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 4 };

        var lone = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi \ud800 there \udc00")], options);
        var replaced = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi \ufffd there \ufffd")], options);

        Assert.Equal(replaced.Usage!.InputTokenCount, lone.Usage!.InputTokenCount);
        Assert.Equal(replaced.Text, lone.Text);
    }

    [Fact]
    public async Task ToolResult_WithALoneSurrogate_TheAgentLoopGoesOn()
    {
        // The whole loop with such a result (a JsonElement holding the escape "\ud800", which used to throw, is covered by
        // LoneSurrogateTests.JsonValues_WithAnEscapedLoneSurrogate_RenderWithReplacementCharacter).
        using var client = new ChatClientBuilder(new Gemma4ChatClient(fixture.Model)).UseFunctionInvocation().Build();
        var requests = 0;
        var options = new ChatOptions
        {
            Tools = [AIFunctionFactory.Create(() => new[] { "broken \ud800 name", "fine" }, "list_files")],
            Temperature = 0,
            MaxOutputTokens = 40,
            RawRepresentationFactory = _ => ++requests == 1
                ? new Gemma4GenerationOptions { Grammar = "root ::= <|tool_call> \"call:list_files{}\" <tool_call|>" }
                : new Gemma4GenerationOptions { Grammar = "root ::= \"done\"" },
        };

        var response = await client.GetResponseAsync("List the files.", options);

        Assert.Equal(2, requests);
        Assert.Equal("done", response.Text);
    }

    [Fact]
    public async Task StopSequence_WithALoneSurrogate_IsRefusedNamingIt()
    {
        using var client = new Gemma4ChatClient(fixture.Model);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("hi", new ChatOptions { StopSequences = ["ok", "x\ud800"] }));

        Assert.Equal("stopSequences", ex.ParamName);
        Assert.Contains("StopSequences[1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddingInput_WithALoneSurrogate_EmbedsAsWithReplacementCharacter()
    {
        using var models = new EmbeddingModelsFixture();
        using var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma);

        // One input per call: the same batch shape gives bit-identical vectors for identical tokens.
        var lone = await generator.GenerateAsync(["rivers \ud800 and lakes"]);
        var replaced = await generator.GenerateAsync(["rivers \ufffd and lakes"]);

        Assert.Equal(replaced[0].Vector.ToArray(), lone[0].Vector.ToArray());
        Assert.Equal(models.EmbeddingModel.CountTokens("a \ufffd b"), models.EmbeddingModel.CountTokens("a \udfff b"));
    }
}
