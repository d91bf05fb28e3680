using System.Text;
using Gemma4.AI.Engine;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>Characters split across byte tokens are never emitted half.</summary>
public sealed class Utf8StreamingTests(TinyChatModel fixture) : IClassFixture<TinyChatModel>
{
    [Fact]
    public async Task StreamedText_EqualsDecodingAllBytesAtOnce_AndACutCharacterIsDropped()
    {
        var formatter = new Formatting.Gemma4PromptFormatter(fixture.Model.TemplateVariant);
        var prompt = fixture.Model.Tokenizer.Tokenize(formatter.FormatPrompt([new ChatMessage(ChatRole.User, "Écris quelque chose, s'il te plaît 😀")]));
        var splitCharacters = 0;
        var byteTokens = 0;
        var endsInside = 0;

        // Random weights sample byte tokens (<0x80>..<0xFF>) often enough to split characters across tokens.
        for (uint seed = 0; seed < 24; seed++)
        {
            var request = new GenerationRequest(prompt) { Sampling = new SamplingParameters { Temperature = 1.5f, TopK = 0, TopP = 1, Seed = seed }, MaxOutputTokens = 48 };
            var pieces = new List<string>();
            var bytes = new List<byte>();
            var piece = new byte[256];
            await foreach (var update in fixture.Model.Engine.GenerateAsync(request))
            {
                pieces.Add(update.Text);
                if (update.Token >= 0)
                {
                    bytes.AddRange(piece.AsSpan(0, fixture.Model.Tokenizer.TokenToPiece(update.Token, piece)).ToArray());
                    byteTokens += IsHighByteToken(update.Token) ? 1 : 0;
                    splitCharacters += update.Text.Length == 0 && IsHighByteToken(update.Token) ? 1 : 0;
                }
            }

            // The sampler keeps the bytes valid UTF-8; only a cut at the token limit can leave a character unfinished,
            // and then its partial bytes are dropped (no U+FFFD at the end).
            var text = string.Concat(pieces);
            var all = Encoding.UTF8.GetString(bytes.ToArray());
            endsInside += all.EndsWith('\uFFFD') ? 1 : 0;
            Assert.Equal(all.TrimEnd('\uFFFD'), text);
            Assert.DoesNotContain('\uFFFD', text);
            Assert.All(pieces.Where(p => p.Length > 0), p => Assert.False(char.IsHighSurrogate(p[^1]), "a piece ends inside a surrogate pair"));
        }

        // The test only means something if characters really were split across tokens.
        Assert.True(byteTokens > 0 && splitCharacters > 0 && endsInside > 0, $"{byteTokens} byte tokens, {splitCharacters} held back, {endsInside} cut inside a character");
    }

    private static bool IsHighByteToken(int token) => token >= TestVocabulary.ByteTokenId(0x80) && token <= TestVocabulary.ByteTokenId(0xFF);
}
