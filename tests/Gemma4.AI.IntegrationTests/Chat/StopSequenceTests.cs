using Gemma4.AI.Formatting;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>Stop sequences end the output before them, whatever tokens the model spelled them with.</summary>
public sealed class StopSequenceTests(TinyChatModel fixture) : IClassFixture<TinyChatModel>
{
    [Theory]
    [InlineData("<mask>")]
    [InlineData("<|image|>")]
    public async Task StopSequence_SplitByAControlTokenWithoutText_IsStillCaught_AndNeverEmitted(string hidden)
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var id = fixture.Model.Tokenizer.SpecialTokenId(hidden);
        Assert.True(id >= 0);
        var options = Forced($"root ::= \"Ja P\" <[{id}]> \"lühen und so weiter\"");
        var free = await client.GetResponseAsync("go", options);
        Assert.Equal("Ja Plühen und so weiter", free.Text); // the marker itself has no text

        options.StopSequences = ["Plühen"];
        var stopped = await client.GetResponseAsync("go", options);
        var streamed = await client.GetStreamingResponseAsync("go", options).ToListAsync();

        Assert.Equal("Ja ", stopped.Text);
        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);
        Assert.Equal("Ja ", string.Concat(streamed.Select(u => u.Text)));
    }

    [Fact]
    public async Task StopSequence_SplitByAFormatMarker_IsNotAMatch_TheMarkerIsNotText()
    {
        // <|"|> is markup the parser reads, not text: "P" <|"|> "lühen" is not the text "Plühen".
        using var client = new Gemma4ChatClient(fixture.Model);
        var quote = fixture.Model.Tokenizer.SpecialTokenId(Gemma4Tokens.Quote);
        var options = Forced($"root ::= \"Ja P\" <[{quote}]> \"lühen\"");
        options.StopSequences = ["Plühen"];

        var response = await client.GetResponseAsync("go", options);

        Assert.Equal(ChatFinishReason.Stop, response.FinishReason); // end of generation after the grammar, not the stop
        Assert.Contains("lühen", response.Text, StringComparison.Ordinal);
    }

    private static ChatOptions Forced(string grammar) => new()
    {
        Temperature = 0,
        MaxOutputTokens = 40,
        RawRepresentationFactory = _ => new Gemma4GenerationOptions { Grammar = grammar },
    };
}
