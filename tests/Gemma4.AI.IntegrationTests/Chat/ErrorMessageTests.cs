using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>Errors that say what is wrong: the offending value, its position, llama.cpp's own reason.</summary>
public sealed class ErrorMessageTests(TinyChatModel fixture) : IClassFixture<TinyChatModel>
{
    [Fact]
    public async Task RawGrammarThatDoesNotParse_ThrowsWithLlamaCppsParseError()
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var options = new ChatOptions { RawRepresentationFactory = _ => new Gemma4GenerationOptions { Grammar = "root ::= \"yes\" | (\"no\"\n" } };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("hi", options));

        Assert.Contains("expecting", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NullMessage_ThrowsNamingItsIndex()
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var messages = new List<ChatMessage> { new(ChatRole.User, "hi"), null!, new(ChatRole.User, "again") };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync(messages));
        var streaming = Assert.Throws<ArgumentException>(() => client.GetStreamingResponseAsync(messages));
        using var dropping = new Gemma4ChatClient(fixture.Model, new Gemma4ChatClientOptions { ContextOverflow = Gemma4ContextOverflowPolicy.DropOldestMessages });
        var dropped = await Assert.ThrowsAsync<ArgumentException>(() => dropping.GetResponseAsync(messages));

        Assert.All(new[] { ex, streaming, dropped }, e =>
        {
            Assert.Equal("messages", e.ParamName);
            Assert.Contains("index 1", e.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task ClientsOverADisposedModel_ThrowObjectDisposedAtConstruction()
    {
        var model = await Gemma4Model.LoadAsync(TinyChatModel.Options(fixture.Path));
        model.Dispose();

        Assert.Throws<ObjectDisposedException>(() => new Gemma4ChatClient(model));
        Assert.Throws<ObjectDisposedException>(() => new Gemma4EmbeddingGenerator(model));
    }
}
