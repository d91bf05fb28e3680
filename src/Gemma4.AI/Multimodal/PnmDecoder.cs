namespace Gemma4.AI.Multimodal;

/// <summary>
/// Decodes binary PGM (P5) and PPM (P6) images to 8-bit RGB. StbImageSharp, the managed port of stb_image that decodes
/// the other formats, leaves out stb_image's PNM reader.
/// </summary>
internal static class PnmDecoder
{
    /// <summary>The image's width, height and RGB bytes (3 per pixel, rows top to bottom).</summary>
    /// <exception cref="InvalidDataException">The header is malformed or the pixel data is truncated.</exception>
    public static (int Width, int Height, byte[] Rgb) Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2 || data[0] != 'P' || data[1] is not ((byte)'5' or (byte)'6'))
        {
            throw new InvalidDataException("only binary PGM/PPM (P5/P6) images are supported");
        }

        var channels = data[1] == '5' ? 1 : 3;
        var i = 2;
        var width = ReadNumber(data, ref i);
        var height = ReadNumber(data, ref i);
        var maxValue = ReadNumber(data, ref i);
        if (width <= 0 || height <= 0 || maxValue is <= 0 or > 65535 || i >= data.Length || !IsSpace(data[i]))
        {
            throw new InvalidDataException("the PNM header is malformed");
        }

        i++; // the single whitespace byte before the samples
        var bytesPerSample = maxValue > 255 ? 2 : 1;
        var pixels = (long)width * height;
        var needed = pixels * channels * bytesPerSample;
        if (data.Length - i < needed)
        {
            throw new InvalidDataException($"the PNM pixel data is truncated ({data.Length - i:N0} of {needed:N0} bytes)");
        }

        var samples = data.Slice(i, (int)needed);
        var rgb = new byte[checked(pixels * 3)];
        for (long p = 0; p < pixels; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                var s = (int)((p * channels) + (channels == 1 ? 0 : c));
                var value = bytesPerSample == 1 ? samples[s] : (samples[2 * s] << 8) | samples[(2 * s) + 1];
                rgb[(p * 3) + c] = (byte)((Math.Min(value, maxValue) * 255 + (maxValue / 2)) / maxValue);
            }
        }

        return ((int)width, (int)height, rgb);
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\f' or (byte)'\v';

    /// <summary>Skips whitespace and '#' comments, then reads a decimal number (-1 when there is none).</summary>
    internal static long ReadNumber(ReadOnlySpan<byte> data, ref int i)
    {
        while (i < data.Length && (IsSpace(data[i]) || data[i] == '#'))
        {
            if (data[i] == '#')
            {
                while (i < data.Length && data[i] is not ((byte)'\n' or (byte)'\r'))
                {
                    i++;
                }
            }
            else
            {
                i++;
            }
        }

        long n = 0;
        var digits = 0;
        while (i < data.Length && data[i] is >= (byte)'0' and <= (byte)'9' && digits < 12)
        {
            n = (n * 10) + (data[i] - '0');
            i++;
            digits++;
        }

        return digits == 0 ? -1 : n;
    }
}
