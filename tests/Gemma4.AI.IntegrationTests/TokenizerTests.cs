using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;
using LLama;

namespace Gemma4.AI.IntegrationTests;

/// <summary>The generated tokenizer behaves like Gemma 4's in llama.cpp.</summary>
public sealed class TokenizerTests : IDisposable
{
    private readonly LLamaWeights _weights = Llama.Load(TestModels.TestModels.Gemma4());

    public static TheoryData<string> SpecialTokens =>
        [.. TestVocabulary.ControlTokens.Concat(TestVocabulary.UserDefinedTokens)];

    public static TheoryData<string> RoundTripTexts =>
    [
        "Hello world",
        "Les élèves étudient à l'école. Ça coûte cher.",
        "Straße, Bäume, niño, mañana — ¿Dónde?",
        "emoji 😀 👍🏽 🎉 ❤️ and CJK 漢字かな",
        "double  spaces,   triple, and trailing  ",
        " leading space",
        "line one\nline two\n\n\nafter blank lines\ttab",
        "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}",
    ];

    public void Dispose() => _weights.Dispose();

    [Theory]
    [MemberData(nameof(SpecialTokens))]
    public void Tokenize_SpecialTrue_MapsEachControlStringToItsSingleId(string token)
    {
        var ids = Llama.Tokenize(_weights, token, special: true);

        Assert.Equal([TestVocabulary.Default.IdOf(token)], ids.Select(t => (int)t));
    }

    [Theory]
    [InlineData("<turn|>")]
    [InlineData("<|turn>")]
    [InlineData("<|tool>")]
    [InlineData("<|think|>")]
    [InlineData("<|tool_response>")]
    public void Tokenize_SpecialFalse_SplitsControlStringIntoPlainText(string token)
    {
        var ids = Llama.Tokenize(_weights, token, special: false);

        Assert.True(ids.Length > 1, $"{token} became {ids.Length} token(s)");
        Assert.DoesNotContain(TestVocabulary.Default.IdOf(token), ids.Select(t => (int)t));
        Assert.Equal(token, Llama.Detokenize(_weights, ids));
    }

    [Theory]
    [InlineData("<|tool_call>")]
    [InlineData("<tool_call|>")]
    [InlineData("<|\"|>")]
    [InlineData("<|channel>")]
    public void Tokenize_SpecialFalse_KeepsUserDefinedTokensWhole(string token)
    {
        var ids = Llama.Tokenize(_weights, token, special: false);

        Assert.Equal([TestVocabulary.Default.IdOf(token)], ids.Select(t => (int)t));
    }

    [Theory]
    [MemberData(nameof(RoundTripTexts))]
    public void Detokenize_OfTokenize_GivesBackTheText(string text)
    {
        var ids = Llama.Tokenize(_weights, text, special: false);

        Assert.Equal(text, Llama.Detokenize(_weights, ids));
    }

    [Fact]
    public void Tokenize_KnownWords_UseMergedPieces()
    {
        var ids = Llama.Tokenize(_weights, "the model", special: false);

        Assert.True(ids.Length <= 3, $"'the model' took {ids.Length} tokens");
    }

    [Fact]
    public void Tokenize_UnknownCharacter_FallsBackToByteTokens()
    {
        var ids = Llama.Tokenize(_weights, "漢", special: false).Select(t => (int)t).ToArray();

        Assert.Equal([0xE6, 0xBC, 0xA2], ids.Select(id => id - TestVocabulary.ByteTokenId(0)));
    }

    [Fact]
    public void Vocabulary_SpecialIds_MatchGemma4()
    {
        Assert.Equal(TestVocabulary.BosId, (int?)_weights.Vocab.BOS);
        Assert.Equal(TestVocabulary.EosId, (int?)_weights.Vocab.EOS);
        Assert.True(_weights.Vocab.ShouldAddBOS);
    }
}
