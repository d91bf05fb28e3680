namespace Gemma4.AI.Multimodal;

/// <summary>The media types the client accepts, and what their bytes must be.</summary>
internal static class MediaTypes
{
    /// <summary>Image types StbImageSharp decodes (PNG, JPEG, BMP, GIF, TGA; its port of stb_image has no PNM, PSD is refused).</summary>
    public static IReadOnlyDictionary<string, MediaFormat> Images { get; } = new Dictionary<string, MediaFormat>(StringComparer.Ordinal)
    {
        ["image/png"] = MediaFormat.Png,
        ["image/apng"] = MediaFormat.Png,
        ["image/jpeg"] = MediaFormat.Jpeg,
        ["image/jpg"] = MediaFormat.Jpeg,
        ["image/pjpeg"] = MediaFormat.Jpeg,
        ["image/bmp"] = MediaFormat.Bmp,
        ["image/x-bmp"] = MediaFormat.Bmp,
        ["image/x-ms-bmp"] = MediaFormat.Bmp,
        ["image/gif"] = MediaFormat.Gif,
        ["image/x-tga"] = MediaFormat.Tga,
        ["image/x-targa"] = MediaFormat.Tga,
        ["image/tga"] = MediaFormat.Tga,
    };

    /// <summary>Audio types miniaudio decodes (WAV, MP3, FLAC).</summary>
    public static IReadOnlyDictionary<string, MediaFormat> Audio { get; } = new Dictionary<string, MediaFormat>(StringComparer.Ordinal)
    {
        ["audio/wav"] = MediaFormat.Wav,
        ["audio/x-wav"] = MediaFormat.Wav,
        ["audio/wave"] = MediaFormat.Wav,
        ["audio/vnd.wave"] = MediaFormat.Wav,
        ["audio/x-pn-wav"] = MediaFormat.Wav,
        ["audio/mpeg"] = MediaFormat.Mp3,
        ["audio/mp3"] = MediaFormat.Mp3,
        ["audio/mpeg3"] = MediaFormat.Mp3,
        ["audio/x-mpeg-3"] = MediaFormat.Mp3,
        ["audio/x-mp3"] = MediaFormat.Mp3,
        ["audio/flac"] = MediaFormat.Flac,
        ["audio/x-flac"] = MediaFormat.Flac,
    };

    /// <summary>The media type without parameters, lower-cased (<c>Image/PNG; q=1</c> → <c>image/png</c>).</summary>
    public static string Normalize(string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(mediaType))
        {
            return string.Empty;
        }

        var semicolon = mediaType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon >= 0 ? mediaType[..semicolon] : mediaType).Trim().ToLowerInvariant();
    }

    /// <summary>The top-level type (<c>image</c>, <c>audio</c>, <c>video</c>, ...) of a normalized media type.</summary>
    public static string TopLevel(string normalized)
    {
        var slash = normalized.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? normalized[..slash] : normalized;
    }

    /// <summary>The kind a supported media type is, or null when it is not one the decoders take.</summary>
    public static MediaKind? KindOf(string normalized) =>
        Images.ContainsKey(normalized) ? MediaKind.Image : Audio.ContainsKey(normalized) ? MediaKind.Audio : null;

    /// <summary>The kind of media a decodable format holds, or null for formats no decoder here reads.</summary>
    public static MediaKind? KindOf(MediaFormat format) => format switch
    {
        MediaFormat.Png or MediaFormat.Jpeg or MediaFormat.Bmp or MediaFormat.Gif or MediaFormat.Tga => MediaKind.Image,
        MediaFormat.Wav or MediaFormat.Mp3 or MediaFormat.Flac => MediaKind.Audio,
        _ => null,
    };

    /// <summary>A readable name of a format, for messages.</summary>
    public static string Describe(MediaFormat format) => format switch
    {
        MediaFormat.Pnm => "PNM (PBM/PGM/PPM)",
        MediaFormat.IsoMedia => "an ISO media file (HEIC, AVIF, MP4, M4A or MOV)",
        MediaFormat.Matroska => "a Matroska/WebM file",
        MediaFormat.Aac => "AAC (ADTS)",
        MediaFormat.Unknown => "not a recognised image or audio format",
        _ => format.ToString().ToUpperInvariant(),
    };
}
