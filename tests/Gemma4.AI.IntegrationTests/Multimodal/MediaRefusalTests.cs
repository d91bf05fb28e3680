using System.Buffers.Binary;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Multimodal;

/// <summary>
/// Bad media are refused with an exception that names the message, the content and the media type; the process, the
/// model and other requests are unaffected.
/// </summary>
public sealed class MediaRefusalTests(MediaModel fixture) : IClassFixture<MediaModel>
{
    private static readonly ChatOptions Greedy = new() { Temperature = 0, MaxOutputTokens = 4 };

    /// <summary>Data that is not usable media of its declared type: (case, media type, words the message must contain).</summary>
    public static TheoryData<string, string, string> BadData => new()
    {
        { "empty", "image/png", "is empty (0 bytes)" },
        { "empty", "audio/wav", "is empty (0 bytes)" },
        { "random", "image/png", "is not an image in a format the decoders read (no PNG header" },
        { "random", "image/jpeg", "is not an image in a format the decoders read (no JPEG header" },
        { "random", "audio/wav", "is not audio in a format the decoders read (no WAV header" },
        { "text", "image/png", "is not an image" },
        { "wav-as-image", "image/png", "holds WAV, not an image" },
        { "png-as-audio", "audio/wav", "holds PNG, not audio" },
        { "webp-bytes-as-png", "image/png", "holds WEBP, not an image" },
        { "bomb-60000", "image/png", "is a 60000 x 60000 image (3,600,000,000 pixels), over the limit of 33,554,432 pixels" },
        { "bomb-65535-gif", "image/gif", "is a 65535 x 65535 image" },
        { "bomb-bmp", "image/bmp", "is a 100000 x 100000 image" },
        { "bomb-jpeg", "image/jpeg", "is a 65000 x 65000 image" },
        { "zero-size-png", "image/png", "the header says the image is 0 x 10 pixels" },
        { "truncated-png", "image/png", "cannot be used: stb_image could not decode the image" },
        { "corrupt-png", "image/png", "cannot be used: stb_image could not decode the image" },
        { "corrupt-jpeg", "image/jpeg", "cannot be used: stb_image could not decode the image" },
        { "truncated-header-png", "image/png", "the PNG header (IHDR) is missing or truncated" },
        { "jpeg-no-frame", "image/jpeg", "the JPEG data has no frame header (SOF)" },
        { "truncated-bmp-8bit", "image/bmp", "the BMP pixel data is truncated" },
        { "truncated-wav-data", "audio/wav", "cannot be used: the WAV data is truncated: its header describes 32,044 bytes with the samples, but there are 16,022" },
        { "truncated-wav", "audio/wav", "cannot be used" },
        { "silent-wav", "audio/wav", "cannot be used: Unable to read WAV audio file from buffer" },

        // mtmd asserts on a one-sample clip; its helper sizes its buffer from the header (an uncaught bad_alloc on a
        // FLAC claiming 2^36 samples, gigabytes for a WAV at 1 Hz) and hands data under 12 bytes to ffprobe as video.
        { "one-sample-wav", "audio/wav", "cannot be used: the clip is 1 sample long at 16000 Hz, too short to hear (at least 2)" },
        { "flac-claiming-2^36-samples", "audio/flac", "cannot be used: the clip is 4294967.3 s long, over the 600 s limit" },
        { "wav-at-1-hz", "audio/wav", "cannot be used: the clip is 1000.0 s long, over the 600 s limit" },
        { "flac-without-length", "audio/flac", "cannot be decoded: the FLAC header does not say how many samples the clip has" },
        { "mp3-xing-claiming-10h", "audio/mpeg", "cannot be used: the clip is 36000.0 s long, over the 600 s limit" },
        { "five-byte-mp3", "audio/mpeg", "cannot be decoded: the data is only 5 bytes long: truncated" },
        { "five-byte-flac", "audio/flac", "cannot be decoded: the data is only 5 bytes long: truncated" },

        // stb_image reads the missing rows of an uncompressed BMP or TGA as black; PNM is decoded here.
        { "truncated-bmp", "image/bmp", "cannot be decoded: the BMP pixel data is truncated (6,198 of 12,288 bytes present)" },
        { "truncated-tga", "image/x-tga", "cannot be decoded: the TGA pixel data is truncated" },
        { "truncated-ppm", "image/x-portable-pixmap", "cannot be used: the PNM pixel data is truncated" },

        // stb_image fills a component's plane (a progressive JPEG's coefficients) only from its scans: without one, the
        // picture would be the process's uninitialized heap.
        { "jpeg-without-scan", "image/jpeg", "cannot be decoded: the JPEG has no (first DC) scan for component 1 of 1" },
        { "progressive-jpeg-without-scan", "image/jpeg", "cannot be decoded: the JPEG has no (first DC) scan for component 1 of 1" },
    };

    [Theory]
    [MemberData(nameof(BadData))]
    public async Task BadMedia_ThrowsArgumentExceptionNamingMessageContentAndType_AndTheModelStillWorks(string kind, string mediaType, string expected)
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "Hello."),
            new(ChatRole.Assistant, "Hi."),
            new(ChatRole.User, [new TextContent("Look:"), new DataContent(Bad(kind), mediaType)]),
        ];

        var e = Assert.Throws<Gemma4MediaException>(() => client.GetStreamingResponseAsync(messages, Greedy));

        Assert.Contains($"Message 2 (user) content 1: the '{mediaType}' data", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal("messages", e.ParamName);
        Assert.Equal((2, 1, mediaType), (e.MessageIndex, e.ContentIndex, e.MediaType));

        // The same model answers the next request, with a good image.
        var ok = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(TestMedia.Png(64, 64), "image/png")])], Greedy);
        Assert.True(ok.Usage!.OutputTokenCount > 0);
    }

    [Fact]
    public async Task LongAudio_OverTheLimit_IsRefused()
    {
        var options = MediaModel.Options();
        options.MaxAudioSeconds = 3;
        using var model = await Gemma4Model.LoadAsync(options);
        using var client = new Gemma4ChatClient(model);

        var e = Assert.ThrowsAny<ArgumentException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(TestMedia.Wav(4), "audio/wav")])]));

        Assert.Contains("the clip is 4.0 s long, over the 3 s limit (Gemma4ModelOptions.MaxAudioSeconds)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImageLargerThanTheContextsMicroBatch_IsRefused_AndTheModelStillWorks()
    {
        // llama.cpp caps the micro-batch at ContextSize (32 here, under MicroBatchSize 512): a 48-token image used to
        // reach the decode loop, fail there and leave the model unusable ("load the model again").
        var options = MediaModel.Options();
        options.ContextSize = 32;
        using var model = await Gemma4Model.LoadAsync(options);
        using var client = new Gemma4ChatClient(model);

        var e = Assert.Throws<Gemma4MediaException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(TestMedia.Png(320, 240), "image/png")])], Greedy));

        Assert.Contains("became 48 tokens, more than one micro-batch holds (32: the least of MicroBatchSize 512, BatchSize 2048 and ContextSize 32)", e.Message, StringComparison.Ordinal);
        var audio = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(TestMedia.Wav(1), "audio/wav")])], Greedy);
        Assert.True(audio.Usage!.OutputTokenCount > 0);
    }

    [Fact]
    public async Task ModelOptions_IsACopy_ChangingItAfterLoadLeavesTheModelsLimitsAsLoaded()
    {
        var options = MediaModel.Options();
        options.MaxImagePixels = 64 * 64;
        using var model = await Gemma4Model.LoadAsync(options);
        using var client = new Gemma4ChatClient(model);
        options.MaxImagePixels = 1; // the caller's object
        model.Options.MaxImagePixels = long.MaxValue; // the object the model hands out
        model.Options.Threads = 2;

        Assert.NotSame(model.Options, model.Options);
        Assert.Equal(64 * 64, model.Options.MaxImagePixels);
        Assert.Equal(1, model.Options.Threads);
        var ok = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(TestMedia.Png(64, 64), "image/png")])], Greedy);
        Assert.True(ok.Usage!.OutputTokenCount > 0);
        var e = Assert.ThrowsAny<ArgumentException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(TestMedia.Png(65, 64), "image/png")])], Greedy));
        Assert.Contains("over the limit of 4,096 pixels", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Content the client does not take: (case, words the NotSupportedException must contain).</summary>
    public static TheoryData<string, string> Unsupported => new()
    {
        { "webp", "the media type 'image/webp' is not one the bundled decoders read" },
        { "heic", "the media type 'image/heic' is not one the bundled decoders read" },
        { "ogg", "the media type 'audio/ogg' is not one the bundled decoders read" },
        { "video", "Gemma 4 in llama.cpp takes no video" },
        { "pdf", "only images and audio can be sent" },
        { "http", "never fetches URLs" },
        { "https-audio", "never fetches URLs" },
        { "file-uri", "never fetches URLs" },
        { "hosted", "hosted files cannot be read" },
        { "system-image", "renders no images or audio in a system message" },
        { "tool-image", "renders no images or audio in a tool message" },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public async Task UnsupportedContent_ThrowsNotSupportedNamingIt_OrIsDroppedWhenAsked(string kind, string expected)
    {
        var (role, content) = kind switch
        {
            "webp" => (ChatRole.User, (AIContent)new DataContent(new byte[] { 1, 2, 3 }, "image/webp")),
            "heic" => (ChatRole.User, new DataContent(new byte[] { 1, 2, 3 }, "image/heic")),
            "ogg" => (ChatRole.User, new DataContent(new byte[] { 1, 2, 3 }, "audio/ogg")),
            "video" => (ChatRole.User, new DataContent(new byte[] { 1, 2, 3 }, "video/mp4")),
            "pdf" => (ChatRole.User, new DataContent(new byte[] { 1, 2, 3 }, "application/pdf")),
            "http" => (ChatRole.User, new UriContent("http://example.com/cat.png", "image/png")),
            "https-audio" => (ChatRole.User, new UriContent("https://example.com/a.wav", "audio/wav")),
            "file-uri" => (ChatRole.User, new UriContent("file:///etc/passwd", "image/png")),
            "hosted" => (ChatRole.User, new HostedFileContent("file-123")),
            "system-image" => (ChatRole.System, new DataContent(TestMedia.Png(32, 32), "image/png")),
            _ => (ChatRole.Tool, new DataContent(TestMedia.Png(32, 32), "image/png")),
        };
        List<ChatMessage> messages = [new(role, [new TextContent("Note."), content]), new(ChatRole.User, "What do you see?")];

        using var strict = new Gemma4ChatClient(fixture.Model);
        var e = Assert.Throws<NotSupportedException>(() => strict.GetStreamingResponseAsync(messages, Greedy));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("message 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("IgnoreUnsupportedContent", e.Message, StringComparison.Ordinal);

        using var lenient = new Gemma4ChatClient(fixture.Model, new Gemma4ChatClientOptions { IgnoreUnsupportedContent = true });
        var response = await lenient.GetResponseAsync(messages, Greedy);
        Assert.False(response.Usage!.AdditionalCounts!.ContainsKey(UsageKeys.InputImageTokens));
    }

    [Fact]
    public async Task FormatsWithoutAStatedLength_DecodeUpToTheCut_AndAStreamedWavIsTaken()
    {
        // A WAV written while streaming states no data length (0xFFFFFFFF); a cut JPEG, MP3 or FLAC states none at all.
        using var client = new Gemma4ChatClient(fixture.Model);
        var streamed = TestMedia.Wav(2);
        BitConverter.TryWriteBytes(streamed.AsSpan(40), uint.MaxValue);
        var jpeg = TestMedia.Jpeg(320, 240);

        var audio = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(streamed, "audio/wav")])], Greedy);
        var image = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(jpeg.AsMemory(0, jpeg.Length / 2), "image/jpeg")])], Greedy);

        Assert.Equal(50, audio.Usage!.AdditionalCounts![UsageKeys.InputAudioTokens]);
        Assert.Equal(48, image.Usage!.AdditionalCounts![UsageKeys.InputImageTokens]);
    }

    [Fact]
    public async Task DataUriInUriContent_IsTakenLikeDataContent()
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var uri = new DataContent(TestMedia.Png(320, 240), "image/png").Uri;

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new UriContent(uri, "image/png")])], Greedy);

        Assert.Equal(48, response.Usage!.AdditionalCounts![UsageKeys.InputImageTokens]);
    }

    [Fact]
    public async Task ModelWithoutProjector_SaysWhatToLoad_AndIgnoringDropsTheMedia()
    {
        using var textOnly = new TinyChatModel();
        using var strict = new Gemma4ChatClient(textOnly.Model);
        List<ChatMessage> image = [new(ChatRole.User, [new DataContent(TestMedia.Png(32, 32), "image/png"), new TextContent("Hi")])];
        List<ChatMessage> audio = [new(ChatRole.User, [new DataContent(TestMedia.Wav(1), "audio/wav"), new TextContent("Hi")])];

        var noVision = Assert.Throws<NotSupportedException>(() => strict.GetStreamingResponseAsync(image));
        var noAudio = Assert.Throws<NotSupportedException>(() => strict.GetStreamingResponseAsync(audio));

        Assert.Contains("loaded without a vision projector: set Gemma4ModelOptions.ProjectorPath", noVision.Message, StringComparison.Ordinal);
        Assert.Contains("audio needs Gemma 4 E2B or E4B with its mmproj GGUF in Gemma4ModelOptions.ProjectorPath", noAudio.Message, StringComparison.Ordinal);
        using var lenient = new Gemma4ChatClient(textOnly.Model, new Gemma4ChatClientOptions { IgnoreUnsupportedContent = true });
        Assert.True((await lenient.GetResponseAsync(image, Greedy)).Usage!.OutputTokenCount > 0);
    }

    [Fact]
    public async Task VisionOnlyProjector_RefusesAudio_ButTakesImages()
    {
        using var model = await Gemma4Model.LoadAsync(MediaModel.Options(TinyProjectorSpec.VisionOnly));
        using var client = new Gemma4ChatClient(model);

        var e = Assert.Throws<NotSupportedException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(TestMedia.Wav(1), "audio/wav")])]));
        var image = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(TestMedia.Png(32, 32), "image/png")])], Greedy);

        Assert.Contains("without an audio projector", e.Message, StringComparison.Ordinal);
        Assert.Equal(49, image.Usage!.AdditionalCounts![UsageKeys.InputImageTokens]);
    }

    [Fact]
    public async Task UserText_ThatSpellsTheMarkerOrPlaceholders_NeverBecomesMedia()
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var text = "<__media__> <|image|> <|image> <image|> <|audio|> <__gemma4ai_media_0__>";

        var response = await client.GetResponseAsync(text, Greedy);

        Assert.False(response.Usage!.AdditionalCounts!.ContainsKey(UsageKeys.InputImageTokens));
    }

    internal static byte[] Bad(string kind)
    {
        var png = TestMedia.Png(320, 240);
        return kind switch
        {
            "empty" => [],
            "random" => [.. Enumerable.Range(0, 512).Select(i => (byte)((i * 7919) % 251))],
            "text" => "this is not an image"u8.ToArray(),
            "wav-as-image" => TestMedia.Wav(1),
            "png-as-audio" => png,
            "webp-bytes-as-png" => [.. "RIFF"u8, 0, 0, 0, 0, .. "WEBPVP8 "u8, .. new byte[32]],
            "bomb-60000" => TestMedia.PngHeaderClaiming(60000, 60000),
            "bomb-65535-gif" => [.. "GIF89a"u8, 0xFF, 0xFF, 0xFF, 0xFF, 0xF7, 0, 0, .. new byte[800]],
            "bomb-bmp" => BmpClaiming(100000, 100000),
            "bomb-jpeg" => [0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0xFD, 0xE8, 0xFD, 0xE8, 1, 1, 0x11, 0, 0xFF, 0xD9],
            "zero-size-png" => TestMedia.PngHeaderClaiming(0, 10),
            "truncated-png" => png.AsSpan(0, png.Length / 3).ToArray(),
            "corrupt-png" => Corrupt(png),
            "corrupt-jpeg" => TwelveBitJpeg(TestMedia.Jpeg(64, 64)),
            "truncated-header-png" => png.AsSpan(0, 14).ToArray(),
            "jpeg-no-frame" => [0xFF, 0xD8, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 0xFF, 0xD9],
            "truncated-bmp-8bit" => Bmp8Bit(64, 48)[..1000],
            "truncated-wav-data" => TestMedia.Wav(1).AsSpan(0, 16022).ToArray(),
            "truncated-wav" => TestMedia.Wav(1).AsSpan(0, 30).ToArray(),
            "silent-wav" => TestMedia.Wav(0),
            "one-sample-wav" => TestMedia.Wav(1.0 / 16000),
            "flac-claiming-2^36-samples" => FlacClaiming((1L << 36) - 1),
            "wav-at-1-hz" => TestMedia.Wav(1000, sampleRate: 1),
            "flac-without-length" => FlacClaiming(0),
            "mp3-xing-claiming-10h" => Mp3WithXingFrames(10 * 3600 * 44100 / 1152),
            "five-byte-mp3" => [.. "ID3"u8, 3, 0],
            "five-byte-flac" => [.. "fLaC"u8, 0],
            "truncated-bmp" => TestMedia.Bmp(64, 64).AsSpan(0, 54 + 6198).ToArray(),
            "truncated-tga" => TestMedia.Tga(64, 64).AsSpan(0, 5000).ToArray(),
            "truncated-ppm" => TestMedia.Pnm(64, 64).AsSpan(0, 5000).ToArray(),
            "jpeg-without-scan" => WithoutScans(TestMedia.Jpeg(64, 64), progressive: false),
            "progressive-jpeg-without-scan" => WithoutScans(TestMedia.Jpeg(64, 64), progressive: true),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private static byte[] Corrupt(byte[] png)
    {
        var copy = png.ToArray();
        for (var i = 60; i < copy.Length - 20; i += 3)
        {
            copy[i] ^= 0x5A; // the compressed pixel data (and its checksum) no longer hold
        }

        return copy;
    }

    // A frame header claiming 12-bit samples, which stb_image does not decode. (stb_image is lenient otherwise: a JPEG that
    // is merely truncated, or has damaged tables, decodes with grey or wrong blocks, as it does in browsers.)
    private static byte[] TwelveBitJpeg(byte[] jpeg)
    {
        var copy = jpeg.ToArray();
        copy[copy.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]) + 4] = 12;
        return copy;
    }

    // Silent MPEG-1 layer III frames (128 kbit/s, 44.1 kHz, joint stereo; 417 bytes each) whose first carries a Xing
    // header claiming another frame count: libmtmd's decoder sizes its buffer from that count.
    private static byte[] Mp3WithXingFrames(uint frames)
    {
        var mp3 = new byte[417 * 8];
        for (var f = 0; f < 8; f++)
        {
            new byte[] { 0xFF, 0xFB, 0x90, 0x44 }.CopyTo(mp3.AsSpan(417 * f));
        }

        "Xing"u8.CopyTo(mp3.AsSpan(36));
        mp3[43] = 1; // flags: frame count present
        BinaryPrimitives.WriteUInt32BigEndian(mp3.AsSpan(44), frames);
        return mp3;
    }

    // The JPEG's headers (optionally marked progressive, SOF2) and its end marker, without its scan.
    private static byte[] WithoutScans(byte[] jpeg, bool progressive)
    {
        var headers = jpeg.AsSpan(0, jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA])).ToArray();
        if (progressive)
        {
            headers[headers.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]) + 1] = 0xC2;
        }

        return [.. headers, 0xFF, 0xD9];
    }

    // A short FLAC whose STREAMINFO claims another total sample count (36 bits; 0 means "unknown").
    private static byte[] FlacClaiming(long samples)
    {
        var flac = TestMedia.Flac(0.1);
        var info = flac.AsSpan(8);
        info[13] = (byte)((info[13] & 0xF0) | (int)(samples >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(info[14..], (uint)samples);
        return flac;
    }

    /// <summary>An uncompressed 8-bit paletted BMP (rows padded to 4 bytes), grey ramp.</summary>
    private static byte[] Bmp8Bit(int width, int height)
    {
        var row = (width + 3) & ~3;
        const int offset = 14 + 40 + 1024;
        var bmp = new byte[offset + (row * height)];
        "BM"u8.CopyTo(bmp);
        BitConverter.TryWriteBytes(bmp.AsSpan(2), bmp.Length);
        BitConverter.TryWriteBytes(bmp.AsSpan(10), offset);
        BitConverter.TryWriteBytes(bmp.AsSpan(14), 40);
        BitConverter.TryWriteBytes(bmp.AsSpan(18), width);
        BitConverter.TryWriteBytes(bmp.AsSpan(22), height);
        BitConverter.TryWriteBytes(bmp.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(bmp.AsSpan(28), (short)8);
        for (var i = 0; i < 256; i++)
        {
            bmp.AsSpan(54 + (i * 4), 3).Fill((byte)i);
        }

        return bmp;
    }

    private static byte[] BmpClaiming(int width, int height)
    {
        var bmp = TestMedia.Bmp(4, 4);
        BitConverter.TryWriteBytes(bmp.AsSpan(18), width);
        BitConverter.TryWriteBytes(bmp.AsSpan(22), height);
        return bmp;
    }
}
