using Gemma4.AI.Formatting;
using MediaKind = Gemma4.AI.Multimodal.MediaKind;
using Gemma4.AI.TestModels;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Multimodal;

/// <summary>Images and audio sent as <see cref="DataContent"/> reach the model through the real mtmd and are answered.</summary>
public sealed class MediaChatTests(MediaModel fixture) : IClassFixture<MediaModel>
{
    private static readonly ChatOptions Greedy = new() { Temperature = 0, MaxOutputTokens = 8 };

    public static TheoryData<string, string, int> Media => new()
    {
        // Each image becomes whole 48 x 48-pixel cells between 40 and 280 of them; audio 25 tokens a second.
        { "png", "image/png", 48 },
        { "bmp", "image/bmp", 48 },
        { "jpeg", "image/jpeg", 48 },
        { "gif", "image/gif", 48 },
        { "ppm", "image/x-portable-pixmap", 48 },
        { "pgm-16bit", "image/x-portable-graymap", 48 },
        { "tga", "image/x-tga", 48 },
        { "wav16", "audio/wav", 50 },
        { "wav8-8k", "audio/x-wav", 50 },
        { "wav24-48k-stereo", "audio/wav", 50 },
        { "wavfloat-22k-3ch", "audio/wave", 50 },
        { "flac-44k-stereo", "audio/flac", 50 },
    };

    [Theory]
    [MemberData(nameof(Media))]
    public async Task GetResponseAsync_Media_IsAnswered_AndItsTokensCountAsInput(string kind, string mediaType, int mediaTokens)
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var media = new DataContent(Bytes(kind), mediaType);

        List<ChatMessage> messages = [new ChatMessage(ChatRole.User, [media, new TextContent("What is this?")])];

        var withMedia = await client.GetResponseAsync(messages, Greedy);

        Assert.True(withMedia.Usage!.OutputTokenCount > 0);
        Assert.NotNull(withMedia.FinishReason);

        // The template's placeholder became <|image>/<|audio>, the embeddings, and <image|>/<audio|>.
        var rendered = PromptTokens(messages);
        Assert.Equal(rendered.Length - 1 + 2 + mediaTokens, withMedia.Usage.InputTokenCount);
        var key = mediaType.StartsWith("image", StringComparison.Ordinal) ? UsageKeys.InputImageTokens : UsageKeys.InputAudioTokens;
        Assert.Equal(mediaTokens, withMedia.Usage.AdditionalCounts![key]);
    }

    [Theory]
    [InlineData(" image/png ")]
    [InlineData("IMAGE/PNG; name=cat.png")]
    [InlineData(" Audio/WAV")]
    public async Task MediaType_WithSpacesCaseOrParameters_IsStillMedia(string mediaType)
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var audio = mediaType.Contains("audio", StringComparison.OrdinalIgnoreCase);
        var media = new DataContent(audio ? TestMedia.Wav(2) : TestMedia.Png(320, 240), mediaType);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [media, new TextContent("What is this?")])], Greedy);

        // Never dropped silently: the template places it and mtmd encodes it.
        Assert.Equal(audio ? 50 : 48, response.Usage!.AdditionalCounts![audio ? UsageKeys.InputAudioTokens : UsageKeys.InputImageTokens]);
    }

    [Fact]
    public async Task ImageTokens_EqualWhatMtmdMakesOfTheImage()
    {
        using var lease = fixture.Model.AcquireNative();
        using var prepared = fixture.Model.Projector!.Prepare(TestMedia.Png(1600, 1200), MediaKind.Image, 600);
        using var client = new Gemma4ChatClient(fixture.Model);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(TestMedia.Png(1600, 1200), "image/png")])], Greedy);

        // mtmd's count for a 1600 x 1200 image under the default 280-token budget, as measured on the bundled build.
        Assert.Equal(266, prepared.MediaTokenCount);
        Assert.Equal(prepared.MediaTokenCount, response.Usage!.AdditionalCounts![UsageKeys.InputImageTokens]);
        var tokenizer = fixture.Model.Tokenizer;
        Assert.Equal([tokenizer.SpecialTokenId(Gemma4Tokens.ImageStart), .. Enumerable.Repeat(prepared.Placeholder, 266), tokenizer.SpecialTokenId(Gemma4Tokens.ImageEnd)],
            prepared.Tokens);
    }

    [Fact]
    public async Task GreedyImageTurn_IsDeterministic_AndTurnTwoFromCacheEqualsAColdRun()
    {
        var image = new DataContent(TestMedia.Png(320, 240, seed: 5), "image/png");
        List<ChatMessage> turn1 = [new(ChatRole.User, [image, new TextContent("Describe the picture.")])];
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 6 };

        using var warmModel = await Gemma4Model.LoadAsync(MediaModel.Options());
        using var warm = new Gemma4ChatClient(warmModel);
        var first = await warm.GetResponseAsync(turn1, options);
        var again = await warm.GetResponseAsync(turn1, options);
        List<ChatMessage> turn2 = [.. turn1, .. first.Messages, new(ChatRole.User, "And the colours?")];
        var cached = await warm.GetResponseAsync(turn2, options);

        using var coldModel = await Gemma4Model.LoadAsync(MediaModel.Options());
        using var cold = new Gemma4ChatClient(coldModel);
        var fresh = await cold.GetResponseAsync(turn2, options);

        Assert.Equal(first.Text, again.Text);
        Assert.Equal(again.Usage!.InputTokenCount - 1, again.Usage.CachedInputTokenCount); // the image was not encoded again
        Assert.Equal(0, again.Usage.AdditionalCounts![UsageKeys.MediaEncodeMilliseconds]);
        Assert.Equal(fresh.Text, cached.Text);
        Assert.Equal(0, fresh.Usage!.CachedInputTokenCount);
        Assert.True(cached.Usage!.CachedInputTokenCount > 48 + 2, $"turn 2 reused {cached.Usage.CachedInputTokenCount} tokens");
    }

    [Fact]
    public async Task AnotherImageOfTheSameTokenCount_IsNeverReusedFromTheCache()
    {
        using var model = await Gemma4Model.LoadAsync(MediaModel.Options());
        using var client = new Gemma4ChatClient(model);
        ChatMessage Ask(int seed) => new(ChatRole.User, [new DataContent(TestMedia.Png(320, 240, seed), "image/png"), new TextContent("What is it?")]);

        var a = await client.GetResponseAsync([Ask(1)], Greedy);
        var b = await client.GetResponseAsync([Ask(2)], Greedy);
        var bAgain = await client.GetResponseAsync([Ask(2)], Greedy);

        // Same prompt length, same placeholder count; only the text before the image may be reused.
        Assert.Equal(a.Usage!.InputTokenCount, b.Usage!.InputTokenCount);
        var beforeImage = model.Tokenizer.Tokenize(new Gemma4PromptFormatter(model.TemplateVariant).FormatPrompt([Ask(1)]))
            .AsSpan().IndexOf(model.Tokenizer.SpecialTokenId(Gemma4Tokens.Image));
        Assert.InRange(b.Usage.CachedInputTokenCount!.Value, 0, beforeImage + 1);
        Assert.True(b.Usage.AdditionalCounts![UsageKeys.MediaEncodeMilliseconds] >= 0);
        Assert.Equal(bAgain.Usage!.InputTokenCount - 1, bAgain.Usage.CachedInputTokenCount);
    }

    [Fact]
    public async Task SeveralMediaInOneMessage_AreAllPlacedInOrder()
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var message = new ChatMessage(ChatRole.User,
        [
            new TextContent("First this picture:"),
            new DataContent(TestMedia.Png(320, 240, 1), "image/png"),
            new TextContent("then this sound:"),
            new DataContent(TestMedia.Wav(1), "audio/wav"),
            new TextContent("and this picture:"),
            new DataContent(TestMedia.Bmp(8, 8), "image/bmp"),
        ]);

        var response = await client.GetResponseAsync([message], Greedy);

        Assert.Equal(48 + 49, response.Usage!.AdditionalCounts![UsageKeys.InputImageTokens]); // an 8 x 8 image is raised to the 40-token minimum (7 x 7)
        Assert.Equal(25, response.Usage.AdditionalCounts[UsageKeys.InputAudioTokens]);
    }

    [Fact]
    public async Task Streaming_WithAnImage_EndsWithUsage()
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(TestMedia.Gif(64, 64), "image/gif")])], Greedy))
        {
            updates.Add(update);
        }

        var usage = updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single();
        Assert.Equal(49, usage.Details.AdditionalCounts![UsageKeys.InputImageTokens]);
    }

    private int[] PromptTokens(IList<ChatMessage> messages)
    {
        using var lease = fixture.Model.AcquireNative();
        return fixture.Model.Tokenizer.Tokenize(new Gemma4PromptFormatter(fixture.Model.TemplateVariant).FormatPrompt(messages));
    }

    internal static byte[] Bytes(string kind) => kind switch
    {
        "png" => TestMedia.Png(320, 240),
        "bmp" => TestMedia.Bmp(320, 240),
        "jpeg" => TestMedia.Jpeg(320, 240),
        "gif" => TestMedia.Gif(320, 240),
        "ppm" => TestMedia.Pnm(320, 240),
        "pgm-16bit" => TestMedia.Pnm(320, 240, grey: true, maxValue: 65535),
        "tga" => TestMedia.Tga(320, 240),
        "wav16" => TestMedia.Wav(2),
        "wav8-8k" => TestMedia.Wav(2, 8000, 1, 8),
        "wav24-48k-stereo" => TestMedia.Wav(2, 48000, 2, 24),
        "wavfloat-22k-3ch" => TestMedia.Wav(2, 22050, 3, 32),
        "flac-44k-stereo" => TestMedia.Flac(2, 44100, 2),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
