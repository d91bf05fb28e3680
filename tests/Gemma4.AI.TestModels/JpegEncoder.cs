namespace Gemma4.AI.TestModels;

/// <summary>
/// A baseline greyscale JPEG encoder (JFIF-less, one component, 8x8 DCT, the ITU T.81 Annex K luminance tables at
/// quality 75): enough to make test images stb_image decodes.
/// </summary>
internal static class JpegEncoder
{
    private static readonly int[] Zigzag =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];

    private static readonly int[] Luminance =
    [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ];

    private static readonly byte[] DcBits = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] DcValues = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    private static readonly byte[] AcBits = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d];

    private static readonly byte[] AcValues =
    [
        0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08,
        0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
        0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
        0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
        0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6,
        0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
        0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
    ];

    public static byte[] Encode(int width, int height, Func<int, int, byte> luma)
    {
        var quant = Luminance.Select(q => Math.Clamp(((q * 50) + 50) / 100, 1, 255)).ToArray();
        var dc = Codes(DcBits, DcValues);
        var ac = Codes(AcBits, AcValues);
        using var jpeg = new MemoryStream();
        jpeg.Write([0xFF, 0xD8]);
        jpeg.Write([0xFF, 0xDB, 0, 67, 0]);
        jpeg.Write(Zigzag.Select(i => (byte)quant[i]).ToArray());
        jpeg.Write([0xFF, 0xC0, 0, 11, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 1, 1, 0x11, 0]);
        WriteTable(jpeg, 0x00, DcBits, DcValues);
        WriteTable(jpeg, 0x10, AcBits, AcValues);
        jpeg.Write([0xFF, 0xDA, 0, 8, 1, 1, 0x00, 0, 63, 0]);

        // Entropy-coded data: a 0x00 is stuffed after every 0xFF so it cannot read as a marker.
        var bits = new BitPacker(msbFirst: true)
        {
            OnByte = (bytes, b) =>
            {
                bytes.Add(b);
                if (b == 0xFF)
                {
                    bytes.Add(0);
                }
            },
        };
        var block = new double[64];
        var previousDc = 0;
        for (var by = 0; by < height; by += 8)
        {
            for (var bx = 0; bx < width; bx += 8)
            {
                for (var i = 0; i < 64; i++)
                {
                    block[i] = luma(Math.Min(bx + (i % 8), width - 1), Math.Min(by + (i / 8), height - 1)) - 128.0;
                }

                var coefficients = Forward(block, quant);
                EncodeValue(bits, dc, 0, coefficients[0] - previousDc);
                previousDc = coefficients[0];
                var run = 0;
                for (var k = 1; k < 64; k++)
                {
                    var c = coefficients[Zigzag[k]];
                    if (c == 0)
                    {
                        run++;
                        continue;
                    }

                    while (run > 15)
                    {
                        bits.Write(ac[0xF0].Code, ac[0xF0].Length);
                        run -= 16;
                    }

                    EncodeValue(bits, ac, run << 4, c);
                    run = 0;
                }

                if (run > 0)
                {
                    bits.Write(ac[0x00].Code, ac[0x00].Length);
                }
            }
        }

        bits.AlignToByte(padBit: 1);
        jpeg.Write(bits.ToArray());
        jpeg.Write([0xFF, 0xD9]);
        return jpeg.ToArray();
    }

    private static void EncodeValue(BitPacker bits, (int Code, int Length)[] table, int symbolHigh, int value)
    {
        var magnitude = Math.Abs(value);
        var size = 0;
        while (magnitude >> size != 0)
        {
            size++;
        }

        var (code, length) = table[symbolHigh | size];
        bits.Write(code, length);
        if (size > 0)
        {
            bits.Write(value < 0 ? value + (1 << size) - 1 : value, size);
        }
    }

    private static int[] Forward(double[] block, int[] quant)
    {
        var result = new int[64];
        for (var v = 0; v < 8; v++)
        {
            for (var u = 0; u < 8; u++)
            {
                var sum = 0.0;
                for (var y = 0; y < 8; y++)
                {
                    for (var x = 0; x < 8; x++)
                    {
                        sum += block[(y * 8) + x] * Math.Cos(((2 * x) + 1) * u * Math.PI / 16) * Math.Cos(((2 * y) + 1) * v * Math.PI / 16);
                    }
                }

                var cu = u == 0 ? Math.Sqrt(0.5) : 1;
                var cv = v == 0 ? Math.Sqrt(0.5) : 1;
                result[(v * 8) + u] = (int)Math.Round(0.25 * cu * cv * sum / quant[(v * 8) + u]);
            }
        }

        return result;
    }

    /// <summary>Canonical Huffman codes from the table's code-length counts, indexed by symbol.</summary>
    private static (int Code, int Length)[] Codes(byte[] counts, byte[] symbols)
    {
        var table = new (int, int)[256];
        var code = 0;
        var k = 0;
        for (var length = 1; length <= 16; length++)
        {
            for (var i = 0; i < counts[length - 1]; i++)
            {
                table[symbols[k++]] = (code++, length);
            }

            code <<= 1;
        }

        return table;
    }

    private static void WriteTable(Stream jpeg, byte classAndId, byte[] counts, byte[] symbols)
    {
        var length = 2 + 1 + 16 + symbols.Length;
        jpeg.Write([0xFF, 0xC4, (byte)(length >> 8), (byte)length, classAndId]);
        jpeg.Write(counts);
        jpeg.Write(symbols);
    }
}
