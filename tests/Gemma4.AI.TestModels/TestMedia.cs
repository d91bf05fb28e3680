using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Gemma4.AI.TestModels;

/// <summary>
/// Generates small images and audio clips for tests and demos, in the formats the bundled decoders read: PNG, BMP,
/// baseline JPEG, GIF, binary PNM and TGA images with a seeded colour pattern; WAV (8/16/24-bit PCM or 32-bit float, any rate and
/// channel count) and FLAC clips of seeded tones. Same arguments, same bytes.
/// </summary>
public static class TestMedia
{
    /// <summary>An RGB PNG of <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="seed">Varies the pattern (different seeds give different pictures).</param>
    public static byte[] Png(int width, int height, int seed = 0)
    {
        var raw = new byte[(long)height * ((width * 3) + 1)];
        var i = 0;
        for (var y = 0; y < height; y++)
        {
            raw[i++] = 0; // filter: none
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = Pixel(x, y, seed);
                raw[i++] = r;
                raw[i++] = g;
                raw[i++] = b;
            }
        }

        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(raw);
        }

        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        PngChunk(png, "IHDR", ihdr);
        PngChunk(png, "IDAT", compressed.ToArray());
        PngChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>
    /// A PNG whose header claims <paramref name="width"/> x <paramref name="height"/> pixels but whose data is a few
    /// bytes: a decompression bomb as far as the header is concerned.
    /// </summary>
    /// <param name="width">Claimed width.</param>
    /// <param name="height">Claimed height.</param>
    public static byte[] PngHeaderClaiming(uint width, uint height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        PngChunk(png, "IHDR", ihdr);
        PngChunk(png, "IDAT", [0x78, 0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        PngChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A 24-bit uncompressed BMP (bottom-up rows, as most writers store them).</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="seed">Varies the pattern.</param>
    public static byte[] Bmp(int width, int height, int seed = 0)
    {
        var stride = ((width * 3) + 3) & ~3;
        var bytes = new byte[54 + (stride * height)];
        "BM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(34), stride * height);
        for (var y = 0; y < height; y++)
        {
            var row = 54 + ((height - 1 - y) * stride);
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = Pixel(x, y, seed);
                bytes[row + (x * 3)] = b;
                bytes[row + (x * 3) + 1] = g;
                bytes[row + (x * 3) + 2] = r;
            }
        }

        return bytes;
    }

    /// <summary>A binary PPM (P6, RGB) or PGM (P5, grey) image, 8 or 16 bits per sample.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="grey">A PGM (P5) instead of a PPM (P6).</param>
    /// <param name="maxValue">The largest sample value (above 255: two bytes per sample, big-endian).</param>
    /// <param name="seed">Varies the pattern.</param>
    public static byte[] Pnm(int width, int height, bool grey = false, int maxValue = 255, int seed = 0)
    {
        using var pnm = new MemoryStream();
        pnm.Write(Encoding.ASCII.GetBytes($"{(grey ? "P5" : "P6")}\n# Gemma4.AI test\n{width} {height}\n{maxValue}\n"));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = Pixel(x, y, seed);
                byte[] samples = grey ? [Luma((r, g, b))] : [r, g, b];
                foreach (var sample in samples)
                {
                    var value = sample * maxValue / 255;
                    if (maxValue > 255)
                    {
                        pnm.WriteByte((byte)(value >> 8));
                    }

                    pnm.WriteByte((byte)value);
                }
            }
        }

        return pnm.ToArray();
    }

    /// <summary>An uncompressed 24-bit TGA (type 2, bottom-up rows).</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="seed">Varies the pattern.</param>
    public static byte[] Tga(int width, int height, int seed = 0)
    {
        var bytes = new byte[18 + (width * height * 3)];
        bytes[2] = 2; // uncompressed true-colour
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(12), (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(14), (ushort)height);
        bytes[16] = 24;
        for (var y = 0; y < height; y++)
        {
            var row = 18 + ((height - 1 - y) * width * 3);
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = Pixel(x, y, seed);
                bytes[row + (x * 3)] = b;
                bytes[row + (x * 3) + 1] = g;
                bytes[row + (x * 3) + 2] = r;
            }
        }

        return bytes;
    }

    /// <summary>A baseline (sequential, Huffman) greyscale JPEG with the standard tables at quality ~75.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="seed">Varies the pattern.</param>
    public static byte[] Jpeg(int width, int height, int seed = 0) => JpegEncoder.Encode(width, height, (x, y) => Luma(Pixel(x, y, seed)));

    /// <summary>A GIF with a 256-grey palette (LZW data written with a clear code every 254 codes, as simple encoders do).</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="seed">Varies the pattern.</param>
    public static byte[] Gif(int width, int height, int seed = 0)
    {
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        Span<byte> screen = stackalloc byte[7];
        BinaryPrimitives.WriteUInt16LittleEndian(screen, (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(screen[2..], (ushort)height);
        screen[4] = 0xF7; // global colour table of 256 entries
        gif.Write(screen);
        for (var c = 0; c < 256; c++)
        {
            gif.Write([(byte)c, (byte)c, (byte)c]);
        }

        Span<byte> descriptor = stackalloc byte[10];
        descriptor[0] = 0x2C;
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[5..], (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[7..], (ushort)height);
        gif.Write(descriptor);
        gif.WriteByte(8); // LZW minimum code size

        // 9-bit codes: a clear code, then literals; clearing every 254 codes keeps the decoder's table (and the code size) small.
        var bits = new BitPacker();
        var sinceClear = 0;
        bits.Write(256, 9);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if (sinceClear == 254)
                {
                    bits.Write(256, 9);
                    sinceClear = 0;
                }

                bits.Write(Luma(Pixel(x, y, seed)), 9);
                sinceClear++;
            }
        }

        bits.Write(257, 9); // end of information
        var data = bits.ToArray();
        for (var i = 0; i < data.Length; i += 255)
        {
            var n = Math.Min(255, data.Length - i);
            gif.WriteByte((byte)n);
            gif.Write(data, i, n);
        }

        gif.WriteByte(0);
        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    /// <summary>
    /// A WAV clip of a seeded tone: PCM with 8, 16 or 24 bits per sample, or IEEE float with 32; any rate and channel count.
    /// </summary>
    /// <param name="seconds">Duration.</param>
    /// <param name="sampleRate">Samples per second.</param>
    /// <param name="channels">Channel count.</param>
    /// <param name="bitsPerSample">8, 16, 24 (PCM) or 32 (float).</param>
    /// <param name="seed">Varies the tone.</param>
    public static byte[] Wav(double seconds, int sampleRate = 16000, int channels = 1, int bitsPerSample = 16, int seed = 0)
    {
        if (bitsPerSample is not (8 or 16 or 24 or 32))
        {
            throw new ArgumentOutOfRangeException(nameof(bitsPerSample), bitsPerSample, "8, 16, 24 or 32");
        }

        var frames = (int)(seconds * sampleRate);
        var bytesPerSample = bitsPerSample / 8;
        var data = new byte[(long)frames * channels * bytesPerSample];
        var o = 0;
        for (var i = 0; i < frames; i++)
        {
            var value = Tone(i, sampleRate, seed);
            for (var c = 0; c < channels; c++)
            {
                switch (bitsPerSample)
                {
                    case 8:
                        data[o] = (byte)(128 + (int)(value * 120));
                        break;
                    case 16:
                        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(o), (short)(value * 30000));
                        break;
                    case 24:
                        var v = (int)(value * 8_000_000);
                        data[o] = (byte)v;
                        data[o + 1] = (byte)(v >> 8);
                        data[o + 2] = (byte)(v >> 16);
                        break;
                    default:
                        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(o), (float)value);
                        break;
                }

                o += bytesPerSample;
            }
        }

        using var wav = new MemoryStream();
        using var w = new BinaryWriter(wav, Encoding.ASCII, leaveOpen: true);
        w.Write("RIFF"u8);
        w.Write(36 + data.Length);
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(16);
        w.Write((short)(bitsPerSample == 32 ? 3 : 1)); // PCM or IEEE float
        w.Write((short)channels);
        w.Write(sampleRate);
        w.Write(sampleRate * channels * bytesPerSample);
        w.Write((short)(channels * bytesPerSample));
        w.Write((short)bitsPerSample);
        w.Write("data"u8);
        w.Write(data.Length);
        w.Write(data);
        w.Flush();
        return wav.ToArray();
    }

    /// <summary>A 16-bit FLAC clip of a seeded tone (verbatim subframes: valid FLAC, no compression).</summary>
    /// <param name="seconds">Duration.</param>
    /// <param name="sampleRate">Samples per second (up to 655350).</param>
    /// <param name="channels">Channel count (1 to 8).</param>
    /// <param name="seed">Varies the tone.</param>
    public static byte[] Flac(double seconds, int sampleRate = 16000, int channels = 1, int seed = 0)
    {
        const int blockSize = 4096;
        var frames = (int)(seconds * sampleRate);
        using var flac = new MemoryStream();
        flac.Write("fLaC"u8);

        // STREAMINFO (last metadata block): block sizes, frame sizes unknown (0), rate, channels, bits, total samples, no MD5.
        var info = new BitPacker(msbFirst: true);
        info.Write(1, 1);
        info.Write(0, 7);
        info.Write(34, 24);
        info.Write(blockSize, 16);
        info.Write(blockSize, 16);
        info.Write(0, 24);
        info.Write(0, 24);
        info.Write(sampleRate, 20);
        info.Write(channels - 1, 3);
        info.Write(15, 5);
        info.Write(0, 4); // high bits of the 36-bit sample count
        info.Write(frames, 32);
        for (var i = 0; i < 4; i++)
        {
            info.Write(0, 32);
        }

        flac.Write(info.ToArray());
        for (var (start, number) = (0, 0); start < frames; start += blockSize, number++)
        {
            var count = Math.Min(blockSize, frames - start);
            var frame = new BitPacker(msbFirst: true);
            frame.Write(0x3FFE, 14); // sync
            frame.Write(0, 1);
            frame.Write(0, 1); // fixed block size
            frame.Write(7, 4); // block size: 16-bit value at the end of the header
            frame.Write(0, 4); // sample rate: from STREAMINFO
            frame.Write(channels - 1, 4); // independent channels
            frame.Write(4, 3); // 16 bits per sample
            frame.Write(0, 1);
            WriteUtf8Number(frame, number);
            frame.Write(count - 1, 16);
            frame.Write(Crc8(frame.ToArray()), 8);
            for (var c = 0; c < channels; c++)
            {
                frame.Write(0, 1);
                frame.Write(1, 6); // verbatim
                frame.Write(0, 1);
                for (var i = 0; i < count; i++)
                {
                    frame.Write((short)(Tone(start + i, sampleRate, seed) * 30000), 16);
                }
            }

            frame.AlignToByte();
            var bytes = frame.ToArray();
            flac.Write(bytes);
            var crc = Crc16(bytes);
            flac.WriteByte((byte)(crc >> 8));
            flac.WriteByte((byte)crc);
        }

        return flac.ToArray();
    }

    private static (byte R, byte G, byte B) Pixel(int x, int y, int seed)
    {
        // Smooth gradients with a seed-dependent tilt and checker, so different seeds are different pictures.
        var r = (byte)((x * (3 + (seed % 5))) + (y * 2) + (seed * 37));
        var g = (byte)((y * (2 + (seed % 3))) + (x / 2) + (seed * 91));
        var b = (byte)((((x / 8) + (y / 8) + seed) % 2 == 0 ? 200 : 40) + (seed * 13));
        return (r, g, b);
    }

    private static byte Luma((byte R, byte G, byte B) p) => (byte)(((p.R * 77) + (p.G * 150) + (p.B * 29)) >> 8);

    private static double Tone(int sample, int sampleRate, int seed)
    {
        var t = (double)sample / sampleRate;
        return 0.6 * Math.Sin(2 * Math.PI * (220 + (seed * 55)) * t) * (0.6 + (0.4 * Math.Sin(2 * Math.PI * 3 * t)));
    }

    private static void PngChunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        png.Write(length);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        var crc = Crc32([.. typeBytes, .. data]);
        BinaryPrimitives.WriteUInt32BigEndian(length, crc);
        png.Write(length);
    }

    private static void WriteUtf8Number(BitPacker bits, int value)
    {
        foreach (var b in Encoding.UTF8.GetBytes(char.ConvertFromUtf32(value)))
        {
            bits.Write(b, 8);
        }
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static byte Crc8(ReadOnlySpan<byte> data)
    {
        byte crc = 0;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (byte)((crc & 0x80) != 0 ? (crc << 1) ^ 0x07 : crc << 1);
            }
        }

        return crc;
    }

    private static ushort Crc16(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (var b in data)
        {
            crc ^= (ushort)(b << 8);
            for (var i = 0; i < 8; i++)
            {
                crc = (ushort)((crc & 0x8000) != 0 ? (crc << 1) ^ 0x8005 : crc << 1);
            }
        }

        return crc;
    }
}
