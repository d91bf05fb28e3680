using System.Buffers.Binary;

namespace Gemma4.AI.Multimodal;

/// <summary>
/// Reads an audio clip's length from its header, before libmtmd decodes it. libmtmd's helper sizes its sample buffer
/// from the header (a WAV's data chunk, a FLAC's STREAMINFO) resampled to 16 kHz and fills it with zeros before it
/// decodes a frame: a FLAC of a few hundred bytes that claims 10 hours, or a WAV at 1 Hz, makes it allocate gigabytes,
/// and a claim beyond the address space ends the process (an uncaught <c>std::bad_alloc</c>).
/// </summary>
internal static class AudioHeader
{
    /// <summary>The fewest bytes libmtmd's helper takes for audio; shorter data it hands to ffprobe as video.</summary>
    public const int MinimumLength = 12;

    /// <summary>
    /// The clip's length in seconds as its header declares it (a WAV's data clamped to the bytes present, as the decoder
    /// reads it; an MP3's Xing/Info or VBRI frame count), or null when it declares none (an MP3 without such a frame).
    /// False with a reason when the header is unusable.
    /// </summary>
    public static bool TryReadSeconds(ReadOnlySpan<byte> data, MediaFormat format, out double? seconds, out string problem)
    {
        seconds = null;
        problem = string.Empty;
        if (data.Length < MinimumLength)
        {
            problem = $"the data is only {data.Length} bytes long: truncated";
            return false;
        }

        return format switch
        {
            MediaFormat.Wav => TryReadWav(data, out seconds, out problem),
            MediaFormat.Flac => TryReadFlac(data, out seconds, out problem),
            MediaFormat.Mp3 => TryReadMp3(data, out seconds, out problem),
            _ => true,
        };
    }

    private static bool TryReadWav(ReadOnlySpan<byte> data, out double? seconds, out string problem)
    {
        seconds = null;
        problem = string.Empty;
        int channels = 0, blockAlign = 0;
        uint rate = 0;
        var formatTag = 0;
        var haveFormat = false;
        var chunks = new WavChunks(data);
        while (chunks.MoveNext())
        {
            var (body, present) = (chunks.Body, chunks.Present);
            if (chunks.Id.SequenceEqual("fmt "u8) && present >= 16)
            {
                formatTag = BinaryPrimitives.ReadUInt16LittleEndian(data[body..]);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(data[(body + 2)..]);
                rate = BinaryPrimitives.ReadUInt32LittleEndian(data[(body + 4)..]);
                blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(data[(body + 12)..]);
                haveFormat = true;
            }
            else if (chunks.Id.SequenceEqual("data"u8))
            {
                if (!haveFormat)
                {
                    return true; // the decoder refuses data before its format
                }

                if (channels == 0 || rate == 0 || blockAlign == 0)
                {
                    problem = $"the WAV header says {channels} channels at {rate} Hz with {blockAlign}-byte frames";
                    return false;
                }

                // Compressed formats (ADPCM, ...) hold at least 2 bits per sample: an upper bound of their length.
                var frames = formatTag is 1 or 3 or 6 or 7 or 0xFFFE
                    ? (double)present / blockAlign
                    : present * 4.0 / channels;
                seconds = frames / rate;
                return true;
            }
        }

        return true; // no data chunk: the decoder refuses it with its own reason
    }

    private static bool TryReadFlac(ReadOnlySpan<byte> data, out double? seconds, out string problem)
    {
        seconds = null;
        problem = string.Empty;

        // "fLaC", then the STREAMINFO block: a 4-byte block header, 10 bytes of block and frame sizes, then 20 bits of
        // sample rate, 3 of channels, 5 of bits per sample and 36 of total samples.
        if (data.Length < 4 + 4 + 18 || (data[4] & 0x7F) != 0)
        {
            problem = "the FLAC header (STREAMINFO) is missing or truncated";
            return false;
        }

        var info = data[8..];
        var rate = (info[10] << 12) | (info[11] << 4) | (info[12] >> 4);
        var total = ((long)(info[13] & 0x0F) << 32) | BinaryPrimitives.ReadUInt32BigEndian(info[14..]);
        if (rate == 0)
        {
            problem = "the FLAC header says the sample rate is 0 Hz";
            return false;
        }

        if (total == 0)
        {
            problem = "the FLAC header does not say how many samples the clip has (a stream written without seeking); re-encode it to a file";
            return false;
        }

        seconds = (double)total / rate;
        return true;
    }

    /// <summary>The frame count of a Xing/Info or VBRI header in the first MPEG audio frame (after any ID3v2 tag).</summary>
    private static bool TryReadMp3(ReadOnlySpan<byte> data, out double? seconds, out string problem)
    {
        seconds = null;
        problem = string.Empty;
        var p = 0;
        if (data.StartsWith("ID3"u8) && data.Length >= 10)
        {
            // Syncsafe size (7 bits a byte), plus the header and a footer when flagged.
            p = 10 + ((data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F)) + ((data[5] & 0x10) != 0 ? 10 : 0);
        }

        if (p + 4 > data.Length || data[p] != 0xFF || (data[p + 1] & 0xE0) != 0xE0)
        {
            return true;
        }

        var version = (data[p + 1] >> 3) & 3; // 3: MPEG 1, 2: MPEG 2, 0: MPEG 2.5
        var layer = (data[p + 1] >> 1) & 3; // 3: layer I, 2: II, 1: III
        var rateIndex = (data[p + 2] >> 2) & 3;
        if (version == 1 || layer == 0 || rateIndex == 3)
        {
            return true;
        }

        var rate = (rateIndex == 0 ? 44100 : rateIndex == 1 ? 48000 : 32000) >> (version == 3 ? 0 : version == 2 ? 1 : 2);
        var samplesPerFrame = layer == 3 ? 384 : layer == 2 || version == 3 ? 1152 : 576;
        var mono = (data[p + 3] >> 6) == 3;
        var sideInfo = version == 3 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        long frames = -1;
        var xing = p + 4 + sideInfo;
        var vbri = p + 4 + 32;
        if (xing + 12 <= data.Length && (data.Slice(xing, 4).SequenceEqual("Xing"u8) || data.Slice(xing, 4).SequenceEqual("Info"u8))
            && (data[xing + 7] & 1) != 0)
        {
            frames = BinaryPrimitives.ReadUInt32BigEndian(data[(xing + 8)..]);
        }
        else if (vbri + 18 <= data.Length && data.Slice(vbri, 4).SequenceEqual("VBRI"u8))
        {
            frames = BinaryPrimitives.ReadUInt32BigEndian(data[(vbri + 14)..]);
        }

        if (frames >= 0)
        {
            seconds = (double)frames * samplesPerFrame / rate;
        }

        return true;
    }
}
