using System.ClientModel;
using System.Net;
using System.Text.Json;
using Gemma4.AI.TestModels;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Gemma4.AI.IntegrationTests.Samples;

/// <summary>
/// Images and audio through the ASP.NET sample (its --demo loads a generated projector with both encoders): OpenAI's
/// <c>image_url</c> with data: URIs and <c>input_audio</c>, from raw JSON and from the official OpenAI .NET client; every
/// bad part is a 400 naming the field.
/// </summary>
[Collection(AspNetSampleServer.Name)]
public sealed class AspNetSampleMediaTests(AspNetSampleFixture server)
{
    [Fact]
    public async Task ChatCompletions_ImageAndAudioParts_ReachTheModelAndCountAsPromptTokens()
    {
        using var http = server.CreateHttpClient();
        var text = await Usage(http, """[{"type":"text","text":"Describe."}]""");

        var image = await Usage(http, $$$"""[{"type":"text","text":"Describe."},{"type":"image_url","image_url":{"url":"{{{DataUri(TestMedia.Png(64, 48), "image/png")}}}","detail":"low"}}]""");
        var audio = await Usage(http, $$$"""[{"type":"input_audio","input_audio":{"data":"{{{Convert.ToBase64String(TestMedia.Wav(1))}}}","format":"wav"}},{"type":"text","text":"Describe."}]""");

        // An image is <|image>, 48 embeddings (a 64 x 48 picture is raised to the minimum), <image|>; a second of audio 25.
        Assert.Equal(text + 48 + 2, image);
        Assert.Equal(text + 25 + 2, audio);
    }

    [Fact]
    public async Task ChatCompletions_StreamedWithSeveralMedia_StreamsAndCountsThemAll()
    {
        using var http = server.CreateHttpClient();
        var parts = $$$"""
            [{"type":"image_url","image_url":{"url":"{{{DataUri(TestMedia.Jpeg(64, 64), "image/jpeg")}}}"}},
             {"type":"text","text":"and"},
             {"type":"image_url","image_url":{"url":"{{{DataUri(TestMedia.Bmp(32, 32, seed: 2), "image/bmp")}}}"}},
             {"type":"input_audio","input_audio":{"data":"{{{Convert.ToBase64String(TestMedia.Wav(0.5, sampleRate: 8000, channels: 2))}}}","format":"wav"}}]
            """;

        using var response = await OpenAIWire.Post(http, "/v1/chat/completions",
            $$$"""{"messages":[{"role":"user","content":{{{parts}}}}],"max_tokens":3,"stream":true,"stream_options":{"include_usage":true}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        using var usage = JsonDocument.Parse(events[^2]["data: ".Length..]);
        Assert.True(usage.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 49 + 49 + 13);
    }

    /// <summary>Bad parts: (case, the param the 400 names, words of the message).</summary>
    public static TheoryData<string, string, string> BadParts => new()
    {
        { "corrupt-png", "messages[0].content[1].image_url.url", "Message 0 (user) content 1: the 'image/png' data cannot be used" },
        { "truncated-wav", "messages[0].content[1].input_audio.data", "the WAV data is truncated" },
        { "empty-audio", "messages[0].content[1].input_audio.data", "is empty (0 bytes)" },
        { "bomb", "messages[0].content[1].image_url.url", "is a 60000 x 60000 image" },
        { "wav-as-png", "messages[0].content[1].image_url.url", "holds WAV, not an image" },
        { "bad-base64-audio", "messages[0].content[1].input_audio.data", "input_audio.data is not valid base64" },
        { "bad-data-uri", "messages[0].content[1].image_url.url", "The data URI is not valid" },
        { "text-data-uri", "messages[0].content[1].image_url.url", "must hold an image; this one is 'text/plain" },
        { "ogg-format", "messages[0].content[1].input_audio.format", "input_audio.format must be 'wav' or 'mp3'; got 'ogg'" },
        { "no-format", "messages[0].content[1].input_audio.format", "'format' must be a string" },
        { "url-not-object", "messages[0].content[1].image_url", "needs an 'image_url' object with a 'url'" },
        { "remote-url", "messages[0].content[1].image_url.url", "does not fetch image URLs" },
        { "file-url", "messages[0].content[1].image_url.url", "must be a data: URI" },
        { "file-part", "messages[0].content[1].type", "Content parts of type 'file' are not supported" },
        { "image-in-system", "messages[0].content[1].type", "taken in user messages only" },
    };

    [Theory]
    [MemberData(nameof(BadParts))]
    public async Task ChatCompletions_BadMediaPart_Returns400NamingTheField(string kind, string param, string message)
    {
        using var http = server.CreateHttpClient();
        var (role, part) = BadPart(kind);

        using var response = await OpenAIWire.Post(http, "/v1/chat/completions",
            $$$"""{"messages":[{"role":"{{{role}}}","content":[{"type":"text","text":"Look:"},{{{part}}}]}],"max_tokens":2}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await OpenAIWire.Error(response);
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ChatCompletions_UnsupportedMediaType_Returns400SayingWhichTypesAreRead()
    {
        using var http = server.CreateHttpClient();

        using var response = await OpenAIWire.Post(http, "/v1/chat/completions",
            """{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/webp;base64,UklGRgAAAABXRUJQ"}}]}],"max_tokens":2}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await OpenAIWire.Error(response);
        Assert.Contains("the media type 'image/webp' is not one the bundled decoders read", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAIClient_ImageAndAudioDataContent_ReachTheModel()
    {
        using var client = new OpenAI.Chat.ChatClient("gemma4", new ApiKeyCredential(AspNetSampleFixture.ApiKey),
            new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "v1"), NetworkTimeout = TimeSpan.FromMinutes(2) }).AsIChatClient();
        var options = new ChatOptions { MaxOutputTokens = 3, Seed = 1 };

        var text = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "What is this?")], options);
        var image = await client.GetResponseAsync([new ChatMessage(ChatRole.User,
            [new TextContent("What is this?"), new DataContent(TestMedia.Gif(100, 75), "image/gif")])], options);
        var audio = await client.GetResponseAsync([new ChatMessage(ChatRole.User,
            [new TextContent("What is this?"), new DataContent(TestMedia.Wav(1, sampleRate: 11025, channels: 2), "audio/wav")])], options);

        Assert.Equal(text.Usage!.InputTokenCount + 48 + 2, image.Usage!.InputTokenCount); // 100 x 75 pixels: raised to the minimum, 48 tokens
        Assert.Equal(text.Usage!.InputTokenCount + 25 + 2, audio.Usage!.InputTokenCount);
        Assert.Equal(3, image.Usage.OutputTokenCount);
    }

    private static async Task<int> Usage(HttpClient http, string parts)
    {
        using var response = await OpenAIWire.Post(http, "/v1/chat/completions",
            $$$"""{"messages":[{"role":"user","content":{{{parts}}}}],"max_tokens":1,"temperature":0}""");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
    }

    private static string DataUri(byte[] bytes, string mediaType) => $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";

    private static (string Role, string Part) BadPart(string kind)
    {
        var png = TestMedia.Png(64, 48);
        string Image(string url) => $$$"""{"type":"image_url","image_url":{"url":"{{{url}}}"}}""";
        string Audio(string data, string format) => $$$"""{"type":"input_audio","input_audio":{"data":"{{{data}}}","format":"{{{format}}}"}}""";
        return kind switch
        {
            "corrupt-png" => ("user", Image(DataUri(png.AsSpan(0, png.Length / 2).ToArray(), "image/png"))),
            "truncated-wav" => ("user", Audio(Convert.ToBase64String(TestMedia.Wav(1).AsSpan(0, 20000).ToArray()), "wav")),
            "empty-audio" => ("user", Audio(string.Empty, "wav")),
            "bomb" => ("user", Image(DataUri(TestMedia.PngHeaderClaiming(60000, 60000), "image/png"))),
            "wav-as-png" => ("user", Image(DataUri(TestMedia.Wav(0.2), "image/png"))),
            "bad-base64-audio" => ("user", Audio("not base64!", "wav")),
            "bad-data-uri" => ("user", Image("data:image/png;base64,@@@")),
            "text-data-uri" => ("user", Image("data:,hello")),
            "ogg-format" => ("user", Audio(Convert.ToBase64String(TestMedia.Wav(0.2)), "ogg")),
            "no-format" => ("user", """{"type":"input_audio","input_audio":{"data":"AAAA"}}"""),
            "url-not-object" => ("user", """{"type":"image_url","image_url":"data:image/png;base64,AAAA"}"""),
            "remote-url" => ("user", Image("https://example.com/cat.png")),
            "file-url" => ("user", Image("file:///etc/passwd")),
            "file-part" => ("user", """{"type":"file","file":{"file_id":"file-123"}}"""),
            "image-in-system" => ("system", Image(DataUri(png, "image/png"))),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }
}
