using System.Text;
using Gemma4.AI.Gguf;

namespace Gemma4.AI.Tests.Gguf;

/// <summary>The reader refuses malformed and hostile headers with a clear message, without allocating what they claim.</summary>
public sealed class GgufReaderTests
{
    [Fact]
    public void Read_EmptyStream_SaysEmpty() => AssertFormatError([], "the file is empty");

    [Fact]
    public void Read_TwoBytes_SaysTooShort() => AssertFormatError([0x47, 0x47], "only 2 bytes long");

    [Fact]
    public void Read_WrongMagic_ShowsWhatItFound() =>
        AssertFormatError(Encoding.ASCII.GetBytes("PK\u0003\u0004rest of a zip"), "not a GGUF file (it starts with bytes 504B0304");

    [Theory]
    [InlineData(1u, "version 1 is not supported")]
    [InlineData(4u, "unsupported GGUF version 4")]
    [InlineData(0x03000000u, "big-endian")]
    public void Read_UnsupportedVersion_Refused(uint version, string message) =>
        AssertFormatError(new Header(version).Bytes(), message);

    [Fact]
    public void Read_Version2_IsAccepted()
    {
        var file = GgufReader.Read(new MemoryStream(new Header(2).Bytes()));

        Assert.Equal(2u, file.Version);
        Assert.Empty(file.MetadataEntries);
        Assert.Equal(32, file.DataOffset);
    }

    [Fact]
    public void Read_AbsurdTensorCount_RefusedBeforeAllocating() =>
        AssertFormatError(new Header(tensorCount: 1UL << 60).Bytes(), "claims 1152921504606846976 tensors");

    [Fact]
    public void Read_AbsurdMetadataCount_Refused() =>
        AssertFormatError(new Header(kvCount: ulong.MaxValue).Bytes(), "metadata entries");

    [Fact]
    public void Read_AbsurdStringLength_Refused()
    {
        using var h = new Header(kvCount: 1);
        h.W.Write(1UL << 62); // key length
        h.W.Write(new byte[64]);
        AssertFormatError(h.Bytes(), "claims 4611686018427387904 bytes");
    }

    [Fact]
    public void Read_AbsurdArrayLength_Refused()
    {
        using var h = new Header(kvCount: 1);
        h.Key("tokenizer.ggml.tokens", 9);
        h.W.Write(8u); // element type string
        h.W.Write(1UL << 40);
        AssertFormatError(h.Bytes(), "'tokenizer.ggml.tokens' claims 1099511627776 elements");
    }

    [Fact]
    public void Read_TruncatedInsideValue_SaysTruncated()
    {
        using var h = new Header(kvCount: 1);
        h.Key("general.name", 8);
        h.W.Write(100UL);
        h.W.Write(Encoding.ASCII.GetBytes("short"));
        AssertFormatError(h.Bytes(), "truncated");
    }

    [Fact]
    public void Read_UnknownValueType_Refused()
    {
        using var h = new Header(kvCount: 1);
        h.Key("x", 13);
        h.W.Write(new byte[64]);
        AssertFormatError(h.Bytes(), "unknown GGUF value type 13");
    }

    [Fact]
    public void Read_DeeplyNestedArrays_Refused()
    {
        using var h = new Header(kvCount: 1);
        h.Key("deep", 9);
        for (var i = 0; i < 20; i++)
        {
            h.W.Write(9u);
            h.W.Write(1UL);
        }

        h.W.Write(new byte[64]);
        AssertFormatError(h.Bytes(), "nests arrays more than 8 deep");
    }

    [Fact]
    public void Read_DuplicateKey_Refused()
    {
        using var h = new Header(kvCount: 2);
        h.Key("a", 4);
        h.W.Write(1u);
        h.Key("a", 4);
        h.W.Write(2u);
        AssertFormatError(h.Bytes(), "duplicate metadata key 'a'");
    }

    [Fact]
    public void Read_TooManyDimensions_Refused()
    {
        using var h = new Header(tensorCount: 1);
        h.String("t");
        h.W.Write(5u);
        h.W.Write(new byte[80]);
        AssertFormatError(h.Bytes(), "tensor 't' has 5 dimensions");
    }

    [Fact]
    public void Read_ShapeOverflow_Refused()
    {
        using var h = new Header(tensorCount: 1);
        h.String("t");
        h.W.Write(2u);
        h.W.Write(1UL << 40);
        h.W.Write(1UL << 40);
        h.W.Write(0u);
        h.W.Write(0UL);
        AssertFormatError(h.Bytes(), "absurd shape");
    }

    [Fact]
    public void Read_BadAlignment_Refused()
    {
        using var h = new Header(kvCount: 1);
        h.Key("general.alignment", 4);
        h.W.Write(3u);
        AssertFormatError(h.Bytes(), "power of two");
    }

    [Fact]
    public void Read_TensorInfo_ComputesSizesAndDataOffset()
    {
        using var h = new Header(tensorCount: 2);
        h.String("a");
        h.W.Write(2u);
        h.W.Write(64UL);
        h.W.Write(3UL);
        h.W.Write((uint)GgmlType.Q4_0);
        h.W.Write(0UL);
        h.String("b");
        h.W.Write(1u);
        h.W.Write(10UL);
        h.W.Write(99u); // unknown type
        h.W.Write(128UL);

        var file = GgufReader.Read(new MemoryStream(h.Bytes()));

        Assert.Equal(0, file.DataOffset % 32);
        Assert.Equal(6 * 18L, file.Tensors[0].ByteSize);
        Assert.Equal(192, file.Tensors[0].ElementCount);
        Assert.Null(file.Tensors[1].ByteSize);
        Assert.Equal("type 99", GgmlTypeInfo.Name(file.Tensors[1].Type));
    }

    [Fact]
    public void Read_RandomGarbageAfterMagic_NeverHangsOrCrashes()
    {
        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(8, 400)];
            random.NextBytes(bytes);
            Encoding.ASCII.GetBytes("GGUF").CopyTo(bytes, 0);
            bytes[4] = 3;
            bytes[5] = bytes[6] = bytes[7] = 0;
            if (bytes.Length > 24 && random.Next(2) == 0)
            {
                // Plausible small counts so the parser gets further.
                Array.Clear(bytes, 9, 7);
                Array.Clear(bytes, 17, 7);
            }

            try
            {
                GgufReader.Read(new MemoryStream(bytes));
            }
            catch (GgufFormatException)
            {
            }
        }
    }

    private static void AssertFormatError(byte[] bytes, string message)
    {
        var e = Assert.Throws<GgufFormatException>(() => GgufReader.Read(new MemoryStream(bytes)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    /// <summary>Builds header bytes by hand: magic, version, counts, then whatever the test appends.</summary>
    private sealed class Header : IDisposable
    {
        private readonly MemoryStream _stream = new();

        public Header(uint version = 3, ulong tensorCount = 0, ulong kvCount = 0)
        {
            W = new BinaryWriter(_stream);
            W.Write(Encoding.ASCII.GetBytes("GGUF"));
            W.Write(version);
            W.Write(tensorCount);
            W.Write(kvCount);
        }

        public BinaryWriter W { get; }

        public void String(string s)
        {
            var b = Encoding.UTF8.GetBytes(s);
            W.Write((ulong)b.Length);
            W.Write(b);
        }

        public void Key(string key, uint type)
        {
            String(key);
            W.Write(type);
        }

        public byte[] Bytes()
        {
            W.Flush();
            return _stream.ToArray();
        }

        public void Dispose()
        {
            W.Dispose();
            _stream.Dispose();
        }
    }
}
