using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Gemma4.AspNet.OpenAI;

/// <summary>
/// The content parts of a user message that carries media: <c>text</c>, <c>image_url</c> (a <c>data:</c> URI; an
/// http(s) URL only with <c>Server:AllowRemoteMedia</c>) and <c>input_audio</c> (<c>{data, format: wav|mp3}</c>), each
/// one <see cref="AIContent"/> in order, so content index j of the message is part j of the request (the library's
/// <see cref="Gemma4.AI.Gemma4MediaException"/> names it, and <see cref="OpenAIExceptionMap"/> turns it into
/// <c>messages[i].content[j]</c>). Whether the bytes decode is the library's to say.
/// </summary>
/// <param name="remote">Fetches http(s) images, or null when remote media is off.</param>
/// <param name="images">Whether the model takes images (null: unknown, left to the library).</param>
/// <param name="audio">Whether the model takes audio (null: unknown).</param>
internal sealed class MediaParts(RemoteMedia? remote, bool? images, bool? audio)
{
    /// <summary>Whether a content array holds a part other than text (then it maps part by part).</summary>
    public static bool HasMedia(JsonElement? content) =>
        content is { ValueKind: JsonValueKind.Array } parts
        && parts.EnumerateArray().Any(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() != "text");

    /// <summary>Whether a part type is one of the media types this server maps (in user messages only).</summary>
    public static bool IsMediaType(string? type) => type is "image_url" or "input_audio";

    public async Task<List<AIContent>> MapAsync(JsonElement parts, string field, CancellationToken cancellationToken)
    {
        var contents = new List<AIContent>();
        var j = 0;
        foreach (var part in parts.EnumerateArray())
        {
            var param = WirePath.Index(field, j++);
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw new OpenAIRequestException("Each content part must be an object with a string 'type'.", param);
            }

            contents.Add(type.GetString() switch
            {
                "text" => new TextContent(String(part, "text", param)),
                "image_url" => await ImageAsync(part, param, cancellationToken),
                "input_audio" => Audio(part, param),
                var other => throw Unsupported(other, param),
            });
        }

        return contents;
    }

    /// <summary>A part of a type this server does not take.</summary>
    public static OpenAIRequestException Unsupported(string? type, string param) =>
        new($"Content parts of type '{type}' are not supported; this server takes text, image_url (data: URIs) and input_audio (wav, mp3).", param + ".type");

    private async Task<AIContent> ImageAsync(JsonElement part, string param, CancellationToken cancellationToken)
    {
        var field = param + ".image_url";
        if (!part.TryGetProperty("image_url", out var image) || image.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAIRequestException("An image_url part needs an 'image_url' object with a 'url'.", field);
        }

        var url = String(image, "url", field);
        field += ".url";
        Supported(images, "images", param);
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var data = DataUri(url, field);
            return data.HasTopLevelMediaType("image") ? data
                : throw new OpenAIRequestException($"An image_url data URI must hold an image; this one is '{data.MediaType}'.", field);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new OpenAIRequestException("An image_url must be a data: URI (data:image/png;base64,...) or, where the server allows it, an http(s) URL.", field);
        }

        return remote is null
            ? throw new OpenAIRequestException(
                "This server does not fetch image URLs (it would let any client make it download anything); send the image as a data: URI, "
                + "or start the server with Server:AllowRemoteMedia=true.", field, code: "invalid_image_url")
            : await remote.FetchImageAsync(uri, field, cancellationToken);
    }

    private DataContent Audio(JsonElement part, string param)
    {
        var field = param + ".input_audio";
        if (!part.TryGetProperty("input_audio", out var input) || input.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAIRequestException("An input_audio part needs an 'input_audio' object with 'data' (base64) and 'format' (wav or mp3).", field);
        }

        var format = String(input, "format", field);
        var mediaType = format switch
        {
            "wav" => "audio/wav",
            "mp3" => "audio/mpeg",
            _ => throw new OpenAIRequestException($"input_audio.format must be 'wav' or 'mp3'; got '{format}'.", field + ".format"),
        };
        Supported(audio, "audio", param);
        if (!input.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.String)
        {
            throw new OpenAIRequestException("input_audio.data must be a string of base64.", field + ".data");
        }

        return data.TryGetBytesFromBase64(out var bytes)
            ? new DataContent(bytes, mediaType)
            : throw new OpenAIRequestException("input_audio.data is not valid base64.", field + ".data");
    }

    private static void Supported(bool? supported, string what, string param)
    {
        if (supported == false)
        {
            throw new OpenAIRequestException(
                $"This server's model takes no {what}: it was started without a projector{(what == "audio" ? " with an audio encoder (Gemma 4 E2B and E4B hear audio)" : string.Empty)} (Gemma4:ProjectorPath).",
                param);
        }
    }

    private static DataContent DataUri(string url, string field)
    {
        try
        {
            return new DataContent(url);
        }
        catch (Exception ex) when (ex is UriFormatException or FormatException or ArgumentException)
        {
            throw new OpenAIRequestException($"The data URI is not valid (data:<media type>;base64,<data>): {ex.Message}", field);
        }
    }

    private static string String(JsonElement obj, string name, string parent) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new OpenAIRequestException($"'{name}' must be a string.", WirePath.Property(parent, name));
}
