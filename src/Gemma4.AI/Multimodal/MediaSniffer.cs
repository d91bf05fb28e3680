using System.Buffers.Binary;
using System.Globalization;

namespace Gemma4.AI.Multimodal;

/// <summary>
/// Recognises media formats from their first bytes and reads image dimensions from the header alone, so a file that
/// claims to be 60000 x 60000 pixels is refused before stb_image allocates its pixels.
/// </summary>
/// <remarks>
/// Detection follows the order stb_image and libmtmd use (audio magic first; JPEG, PNG, BMP, GIF, PSD, PIC, PNM, HDR;
/// TGA has no magic and is tried last), so the format read here is the one the native decoder will take the bytes for.
/// </remarks>
internal static class MediaSniffer
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> PicMagic => [0x53, 0x80, 0xF6, 0x34];

    private static ReadOnlySpan<byte> MatroskaMagic => [0x1A, 0x45, 0xDF, 0xA3];

    /// <summary>The format of <paramref name="data"/>; TGA (no magic) only when <paramref name="declaredTga"/>.</summary>
    public static MediaFormat Detect(ReadOnlySpan<byte> data, bool declaredTga = false)
    {
        if (data.Length >= 12 && data.StartsWith("RIFF"u8))
        {
            return data[8..12].SequenceEqual("WAVE"u8) ? MediaFormat.Wav
                : data[8..12].SequenceEqual("WEBP"u8) ? MediaFormat.Webp
                : MediaFormat.Unknown;
        }

        if (data.StartsWith("fLaC"u8))
        {
            return MediaFormat.Flac;
        }

        if (data.StartsWith("ID3"u8) || IsMpegAudioFrame(data))
        {
            return MediaFormat.Mp3;
        }

        if (data.Length >= 2 && data[0] == 0xFF && (data[1] & 0xF6) == 0xF0)
        {
            return MediaFormat.Aac; // ADTS: the sync word of MPEG audio with layer 0
        }

        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return MediaFormat.Jpeg;
        }

        if (data.StartsWith(PngSignature))
        {
            return MediaFormat.Png;
        }

        if (data.StartsWith("BM"u8))
        {
            return MediaFormat.Bmp;
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return MediaFormat.Gif;
        }

        if (data.StartsWith("8BPS"u8))
        {
            return MediaFormat.Psd;
        }

        if (data.Length >= 92 && data.StartsWith(PicMagic) && data.Slice(88, 4).SequenceEqual("PICT"u8))
        {
            return MediaFormat.Pic;
        }

        if (data.Length >= 2 && data[0] == 'P' && data[1] is (byte)'1' or (byte)'2' or (byte)'3' or (byte)'4' or (byte)'5' or (byte)'6' or (byte)'7')
        {
            return MediaFormat.Pnm;
        }

        if (data.StartsWith("#?RADIANCE"u8) || data.StartsWith("#?RGBE"u8))
        {
            return MediaFormat.Hdr;
        }

        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8))
        {
            return MediaFormat.Tiff;
        }

        if (data.Length >= 12 && data.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return MediaFormat.IsoMedia; // HEIC, AVIF, MP4, M4A, MOV
        }

        if (data.StartsWith("OggS"u8))
        {
            return MediaFormat.Ogg;
        }

        if (data.StartsWith(MatroskaMagic))
        {
            return MediaFormat.Matroska; // WebM, MKV
        }

        if (data.StartsWith("%PDF"u8))
        {
            return MediaFormat.Pdf;
        }

        return declaredTga && LooksLikeTga(data) ? MediaFormat.Tga : MediaFormat.Unknown;
    }

    /// <summary>Reads an image's dimensions from its header; false with a reason when the header is missing or broken.</summary>
    public static bool TryReadImageSize(ReadOnlySpan<byte> data, MediaFormat format, out long width, out long height, out string problem)
    {
        width = height = 0;
        problem = string.Empty;
        switch (format)
        {
            case MediaFormat.Png:
                // Signature, then the IHDR chunk: length, "IHDR", width, height (big-endian).
                if (data.Length < 24 || !data.Slice(12, 4).SequenceEqual("IHDR"u8))
                {
                    problem = "the PNG header (IHDR) is missing or truncated";
                    return false;
                }

                width = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
                height = BinaryPrimitives.ReadUInt32BigEndian(data[20..]);
                break;
            case MediaFormat.Jpeg:
                if (!TryReadJpegSize(data, out width, out height))
                {
                    problem = "the JPEG data has no frame header (SOF) before its image data, or is truncated";
                    return false;
                }

                break;
            case MediaFormat.Bmp:
                if (data.Length < 26)
                {
                    problem = "the BMP header is truncated";
                    return false;
                }

                if (BinaryPrimitives.ReadUInt32LittleEndian(data[14..]) == 12)
                {
                    width = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
                    height = BinaryPrimitives.ReadUInt16LittleEndian(data[20..]);
                }
                else
                {
                    width = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[18..]));
                    height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..])); // negative: stored top-down
                }

                break;
            case MediaFormat.Gif:
                if (data.Length < 10)
                {
                    problem = "the GIF header is truncated";
                    return false;
                }

                width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
                height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
                break;
            case MediaFormat.Pnm:
                if (data.Length < 2 || data[1] is not ((byte)'5' or (byte)'6'))
                {
                    problem = $"only binary PGM/PPM (P5/P6) images are supported, not P{(char)data[1]}";
                    return false;
                }

                if (!TryReadPnmSize(data, out width, out height))
                {
                    problem = "the PNM header is truncated or malformed";
                    return false;
                }

                break;
            case MediaFormat.Tga:
                width = BinaryPrimitives.ReadUInt16LittleEndian(data[12..]);
                height = BinaryPrimitives.ReadUInt16LittleEndian(data[14..]);
                break;
            default:
                problem = $"{format} is not an image format the decoder reads";
                return false;
        }

        if (width == 0 || height == 0)
        {
            problem = $"the header says the image is {width} x {height} pixels";
            return false;
        }

        return true;
    }

    /// <summary>
    /// False with a reason when an uncompressed BMP or TGA of <paramref name="width"/> x <paramref name="height"/> (read by
    /// <see cref="TryReadImageSize"/>) ends before its last row (stb_image would read the missing rows as black), or when a
    /// JPEG lacks the (first DC) scan of a component (stb_image would show uninitialized memory).
    /// </summary>
    public static bool IsComplete(ReadOnlySpan<byte> data, MediaFormat format, long width, long height, out string problem)
    {
        problem = string.Empty;
        if (format == MediaFormat.Bmp && data.Length >= 34)
        {
            var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
            var (bitsPerPixel, compression) = headerSize == 12
                ? (BinaryPrimitives.ReadUInt16LittleEndian(data[24..]), 0u)
                : (BinaryPrimitives.ReadUInt16LittleEndian(data[28..]), BinaryPrimitives.ReadUInt32LittleEndian(data[30..]));

            // BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS: rows of a known size from the pixel-data offset on.
            if (compression is 0 or 3 or 6 && bitsPerPixel is > 0 and <= 32)
            {
                var start = Math.Max(BinaryPrimitives.ReadUInt32LittleEndian(data[10..]), 14 + headerSize);
                return IsComplete(data, start, ((width * bitsPerPixel) + 31) / 32 * 4 * height, "BMP", out problem);
            }
        }
        else if (format == MediaFormat.Jpeg)
        {
            return IsEveryJpegComponentScanned(data, out problem);
        }
        else if (format == MediaFormat.Tga && data[2] is 1 or 2 or 3)
        {
            // ID field and colour map, then the pixels.
            var colorMap = data[1] == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(data[5..]) * (long)((data[7] + 7) / 8) : 0;
            return IsComplete(data, 18 + data[0] + colorMap, width * height * ((data[16] + 7) / 8), "TGA", out problem);
        }

        return true;
    }

    /// <summary>
    /// stb_image allocates a JPEG's component planes (and a progressive JPEG's coefficients) without clearing them and
    /// fills them scan by scan (a progressive JPEG's first DC scan clears each block): a component that no such scan covers
    /// (a crafted or damaged file, even one with no scan at all) would become an image of whatever the process's heap held.
    /// </summary>
    private static bool IsEveryJpegComponentScanned(ReadOnlySpan<byte> data, out string problem)
    {
        problem = string.Empty;
        Span<byte> components = stackalloc byte[4];
        Span<bool> covered = stackalloc bool[4];
        var componentCount = 0;
        var frame = false;
        var i = 2;
        while (i + 4 <= data.Length)
        {
            if (data[i] != 0xFF)
            {
                i++; // entropy-coded data: markers are 0xFF followed by neither 0x00 (stuffing) nor a restart code
                continue;
            }

            var marker = data[i + 1];
            if (marker is 0x00 or 0xFF or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += marker == 0xFF ? 1 : 2;
                continue;
            }

            if (marker == 0xD9)
            {
                break;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);
            var segment = data.Slice(i + 4, Math.Max(0, Math.Min(length - 2, data.Length - i - 4)));
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC && segment.Length >= 6)
            {
                frame = true;
                componentCount = Math.Min(segment[5], (byte)4);
                for (var c = 0; c < componentCount && 6 + (3 * c) < segment.Length; c++)
                {
                    components[c] = segment[6 + (3 * c)];
                }
            }
            else if (marker == 0xDA && segment.Length >= 1)
            {
                // Components, then spectral start, end and successive approximation: Ss = 0 and Ah = 0 is a baseline scan
                // or a progressive first DC scan.
                var count = segment[0];
                if (segment.Length >= 1 + (2 * count) + 3 && segment[1 + (2 * count)] == 0 && segment[3 + (2 * count)] >> 4 == 0)
                {
                    for (var s = 0; s < count; s++)
                    {
                        var index = components[..componentCount].IndexOf(segment[1 + (2 * s)]);
                        if (index >= 0)
                        {
                            covered[index] = true;
                        }
                    }
                }
            }

            i += 2 + length;
        }

        if (frame && covered[..componentCount].Contains(false))
        {
            problem = string.Create(CultureInfo.InvariantCulture,
                $"the JPEG has no (first DC) scan for component {covered[..componentCount].IndexOf(false) + 1} of {componentCount} (corrupt, truncated or crafted)");
            return false;
        }

        return true;
    }

    private static bool IsComplete(ReadOnlySpan<byte> data, long start, long pixelBytes, string format, out string problem)
    {
        var present = Math.Max(0, data.Length - start);
        problem = present < pixelBytes
            ? string.Create(CultureInfo.InvariantCulture, $"the {format} pixel data is truncated ({present:N0} of {pixelBytes:N0} bytes present)")
            : string.Empty;
        return present >= pixelBytes;
    }

    /// <summary>
    /// WAV data whose header states a longer data chunk than the bytes hold (libmtmd's decoder would fill the rest with
    /// silence): the reason, else null. Uncompressed BMP and TGA are checked by <see cref="IsComplete(ReadOnlySpan{byte}, MediaFormat, long, long, out string)"/>;
    /// a cut JPEG, GIF, MP3 or FLAC states no total length and decodes up to the cut, as in browsers and players.
    /// </summary>
    /// <param name="data">The bytes, of a format <see cref="Detect"/> found.</param>
    /// <param name="format">The format.</param>
    public static string? FindTruncation(ReadOnlySpan<byte> data, MediaFormat format)
    {
        if (format != MediaFormat.Wav)
        {
            return null;
        }

        var chunks = new WavChunks(data);
        while (chunks.MoveNext())
        {
            if (chunks.Id.SequenceEqual("data"u8))
            {
                // 0 and 0xFFFFFFFF: written while streaming, length unknown; the decoder reads to the end.
                var expected = (long)chunks.Body + chunks.DeclaredSize;
                return chunks.DeclaredSize is not (0 or uint.MaxValue) && chunks.Present < chunks.DeclaredSize
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"the WAV data is truncated: its header describes {expected:N0} bytes with the samples, but there are {data.Length:N0}")
                    : null;
            }
        }

        return null;
    }

    // MPEG audio frame header: 11-bit sync, a version other than reserved, layer I-III, a real bitrate and sample rate.
    private static bool IsMpegAudioFrame(ReadOnlySpan<byte> data) =>
        data.Length >= 4 && data[0] == 0xFF && (data[1] & 0xE0) == 0xE0
        && (data[1] & 0x18) != 0x08 && (data[1] & 0x06) != 0
        && (data[2] & 0xF0) != 0xF0 && (data[2] & 0x0C) != 0x0C;

    private static bool LooksLikeTga(ReadOnlySpan<byte> data) =>
        data.Length >= 18 && data[1] <= 1 && data[2] is 1 or 2 or 3 or 9 or 10 or 11
        && data[16] is 8 or 15 or 16 or 24 or 32;

    /// <summary>Walks the JPEG markers to the first start-of-frame; stb_image reads the same one.</summary>
    private static bool TryReadJpegSize(ReadOnlySpan<byte> data, out long width, out long height)
    {
        width = height = 0;
        var i = 2;
        while (i + 4 <= data.Length)
        {
            if (data[i] != 0xFF)
            {
                return false;
            }

            var marker = data[i + 1];
            if (marker == 0xFF)
            {
                i++; // fill byte
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2; // no length
                continue;
            }

            if (marker is 0xD9 or 0xDA)
            {
                return false; // end of image or start of scan before any frame header
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);
            if (length < 2)
            {
                return false;
            }

            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (i + 9 > data.Length)
                {
                    return false;
                }

                height = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 5)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 7)..]);
                return true;
            }

            i += 2 + length;
        }

        return false;
    }

    /// <summary>"P5"/"P6", whitespace and '#' comments, then width and height in ASCII.</summary>
    private static bool TryReadPnmSize(ReadOnlySpan<byte> data, out long width, out long height)
    {
        var i = 2;
        width = PnmDecoder.ReadNumber(data, ref i);
        height = PnmDecoder.ReadNumber(data, ref i);
        return width > 0 && height > 0;
    }
}
