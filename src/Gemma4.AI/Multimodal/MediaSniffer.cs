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
    /// Why data whose header states how long its content is holds less than that (uncompressed BMP and TGA pixels, a WAV
    /// data chunk), or null. The decoders would fill the missing part with black or silence and go on; a cut JPEG, GIF,
    /// MP3 or FLAC states no total length and decodes up to the cut, as in browsers and players.
    /// </summary>
    /// <param name="data">The bytes, of a format <see cref="Detect"/> found; an image's size was checked first.</param>
    /// <param name="format">The format.</param>
    /// <param name="width">An image's width from its header.</param>
    /// <param name="height">An image's height from its header.</param>
    public static string? FindTruncation(ReadOnlySpan<byte> data, MediaFormat format, long width = 0, long height = 0)
    {
        long expected;
        switch (format)
        {
            case MediaFormat.Bmp when data.Length >= 30:
                var info = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
                var bits = info == 12 ? BinaryPrimitives.ReadUInt16LittleEndian(data[24..]) : BinaryPrimitives.ReadUInt16LittleEndian(data[28..]);
                var compression = info == 12 || data.Length < 34 ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(data[30..]);
                if (compression is not (0 or 3 or 6) || bits is 0 or > 32)
                {
                    return null; // run-length encoded: the length is in the runs
                }

                // Rows are padded to 4 bytes; the last row's padding may be missing.
                var row = ((width * bits) + 7) / 8;
                expected = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]) + (((row + 3) & ~3L) * (height - 1)) + row;
                return data.Length < expected ? Truncated("BMP", "pixels", expected, data.Length) : null;
            case MediaFormat.Tga when data.Length >= 18 && data[2] is 1 or 2 or 3:
                var colorMap = data[1] == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(data[5..]) * (long)((data[7] + 7) / 8) : 0;
                expected = 18 + data[0] + colorMap + (width * height * ((data[16] + 7) / 8));
                return data.Length < expected ? Truncated("TGA", "pixels", expected, data.Length) : null;
            case MediaFormat.Wav:
                // RIFF chunks after "RIFF" size "WAVE"; each is padded to an even length.
                for (long offset = 12; offset + 8 <= data.Length;)
                {
                    var size = BinaryPrimitives.ReadUInt32LittleEndian(data[(int)(offset + 4)..]);
                    if (data.Slice((int)offset, 4).SequenceEqual("data"u8))
                    {
                        // 0 and 0xFFFFFFFF: written while streaming, length unknown; the decoder reads to the end.
                        expected = offset + 8 + size;
                        return size is not (0 or uint.MaxValue) && data.Length < expected ? Truncated("WAV", "samples", expected, data.Length) : null;
                    }

                    offset += 8 + size + (size & 1);
                }

                return null;
            default:
                return null;
        }

        static string Truncated(string what, string content, long expected, long actual) => string.Create(CultureInfo.InvariantCulture,
            $"the {what} data is truncated: its header describes {expected:N0} bytes with the {content}, but there are {actual:N0}");
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
}
