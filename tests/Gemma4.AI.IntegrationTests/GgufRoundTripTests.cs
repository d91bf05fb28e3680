using System.Buffers.Binary;
using System.Diagnostics;
using Gemma4.AI.Gguf;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;

namespace Gemma4.AI.IntegrationTests;

/// <summary>What <see cref="GgufWriter"/> writes, <see cref="GgufReader"/> reads back exactly.</summary>
public sealed class GgufRoundTripTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void WriteThenRead_EveryScalarType_RoundTrips()
    {
        var w = new GgufWriter();
        w.SetMetadata("u8", GgufMetadataValue.UInt8(200));
        w.SetMetadata("i8", GgufMetadataValue.Int8(-100));
        w.SetMetadata("u16", GgufMetadataValue.UInt16(65000));
        w.SetMetadata("i16", GgufMetadataValue.Int16(-32000));
        w.SetMetadata("u32", GgufMetadataValue.UInt32(4_000_000_000));
        w.SetMetadata("i32", GgufMetadataValue.Int32(-2_000_000_000));
        w.SetMetadata("f32", GgufMetadataValue.Float32(3.25f));
        w.SetMetadata("bool.true", GgufMetadataValue.Bool(true));
        w.SetMetadata("bool.false", GgufMetadataValue.Bool(false));
        w.SetMetadata("str", GgufMetadataValue.String("héllo 😀\nworld"));
        w.SetMetadata("str.empty", GgufMetadataValue.String(string.Empty));
        w.SetMetadata("u64", GgufMetadataValue.UInt64(ulong.MaxValue));
        w.SetMetadata("i64", GgufMetadataValue.Int64(long.MinValue));
        w.SetMetadata("f64", GgufMetadataValue.Float64(Math.PI));

        var file = WriteAndRead(w);

        Assert.Equal(3u, file.Version);
        Assert.Equal(
            ["u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool.true", "bool.false", "str", "str.empty", "u64", "i64", "f64"],
            file.MetadataEntries.Select(kv => kv.Key));
        AssertValue(file, "u8", GgufValueType.UInt8, (byte)200);
        AssertValue(file, "i8", GgufValueType.Int8, (sbyte)-100);
        AssertValue(file, "u16", GgufValueType.UInt16, (ushort)65000);
        AssertValue(file, "i16", GgufValueType.Int16, (short)-32000);
        AssertValue(file, "u32", GgufValueType.UInt32, 4_000_000_000u);
        AssertValue(file, "i32", GgufValueType.Int32, -2_000_000_000);
        AssertValue(file, "f32", GgufValueType.Float32, 3.25f);
        AssertValue(file, "bool.true", GgufValueType.Bool, true);
        AssertValue(file, "bool.false", GgufValueType.Bool, false);
        AssertValue(file, "str", GgufValueType.String, "héllo 😀\nworld");
        AssertValue(file, "str.empty", GgufValueType.String, string.Empty);
        AssertValue(file, "u64", GgufValueType.UInt64, ulong.MaxValue);
        AssertValue(file, "i64", GgufValueType.Int64, long.MinValue);
        AssertValue(file, "f64", GgufValueType.Float64, Math.PI);
        Assert.Equal(4_000_000_000L, file.GetInt64("u32"));
        Assert.Null(file.GetInt64("u64")); // does not fit a long
        Assert.Empty(file.Tensors);
    }

    [Fact]
    public void WriteThenRead_EveryArrayType_RoundTrips()
    {
        var w = new GgufWriter();
        w.SetMetadata("a.u8", GgufMetadataValue.UInt8Array([1, 2, 255]));
        w.SetMetadata("a.i8", GgufMetadataValue.Int8Array([-1, 0, 127]));
        w.SetMetadata("a.u16", GgufMetadataValue.UInt16Array([1, 65535]));
        w.SetMetadata("a.i16", GgufMetadataValue.Int16Array([-5, 5]));
        w.SetMetadata("a.u32", GgufMetadataValue.UInt32Array([2, 2, 2, 1]));
        w.SetMetadata("a.i32", GgufMetadataValue.Int32Array([-7, 3]));
        w.SetMetadata("a.f32", GgufMetadataValue.Float32Array([0.5f, -1e30f]));
        w.SetMetadata("a.bool", GgufMetadataValue.BoolArray([true, true, true, false]));
        w.SetMetadata("a.str", GgufMetadataValue.StringArray(["<pad>", "\u2581the", string.Empty, "😀"]));
        w.SetMetadata("a.u64", GgufMetadataValue.UInt64Array([ulong.MaxValue]));
        w.SetMetadata("a.i64", GgufMetadataValue.Int64Array([long.MinValue, 0]));
        w.SetMetadata("a.f64", GgufMetadataValue.Float64Array([Math.E]));
        w.SetMetadata("a.empty", GgufMetadataValue.UInt32Array([]));
        w.SetMetadata("a.nested", GgufMetadataValue.ArrayOfArrays(
        [
            GgufMetadataValue.UInt32Array([1, 2]),
            GgufMetadataValue.StringArray(["x", "y", "z"]),
            GgufMetadataValue.ArrayOfArrays([GgufMetadataValue.BoolArray([true])]),
        ]));

        var file = WriteAndRead(w);

        Assert.Equal(new byte[] { 1, 2, 255 }, file.GetArray("a.u8")!.As<byte>());
        Assert.Equal(new sbyte[] { -1, 0, 127 }, file.GetArray("a.i8")!.As<sbyte>());
        Assert.Equal(new ushort[] { 1, 65535 }, file.GetArray("a.u16")!.As<ushort>());
        Assert.Equal(new short[] { -5, 5 }, file.GetArray("a.i16")!.As<short>());
        Assert.Equal(new uint[] { 2, 2, 2, 1 }, file.GetArray("a.u32")!.As<uint>());
        Assert.Equal(new[] { -7, 3 }, file.GetArray("a.i32")!.As<int>());
        Assert.Equal(new[] { 0.5f, -1e30f }, file.GetArray("a.f32")!.As<float>());
        Assert.Equal(new[] { true, true, true, false }, file.GetArray("a.bool")!.As<bool>());
        Assert.Equal(new[] { "<pad>", "\u2581the", string.Empty, "😀" }, file.GetArray("a.str")!.Strings!);
        Assert.Equal(new[] { ulong.MaxValue }, file.GetArray("a.u64")!.As<ulong>());
        Assert.Equal(new[] { long.MinValue, 0 }, file.GetArray("a.i64")!.As<long>());
        Assert.Equal(new[] { Math.E }, file.GetArray("a.f64")!.As<double>());
        Assert.Equal(0, file.GetArray("a.empty")!.Count);
        Assert.Equal(GgufValueType.UInt32, file.GetArray("a.empty")!.ElementType);

        var nested = file.GetArray("a.nested")!;
        Assert.Equal(GgufValueType.Array, nested.ElementType);
        var items = nested.As<GgufArray>()!;
        Assert.Equal(new uint[] { 1, 2 }, items[0].As<uint>());
        Assert.Equal(new[] { "x", "y", "z" }, items[1].Strings!);
        Assert.Equal(new[] { true }, items[2].As<GgufArray>()![0].As<bool>());
    }

    [Fact]
    public void WriteThenRead_TensorsOfEveryType_KeepShapesOffsetsAndValues()
    {
        var f32 = Values(seed: 1, count: 64 * 3);
        var f16 = Values(seed: 2, count: 32 * 2 * 2);
        var q8 = Values(seed: 3, count: 64 * 4);
        var q4 = Values(seed: 4, count: 96 * 2);
        var w = new GgufWriter()
            .AddTensor("t.f32", GgufTensorType.F32, [64, 3], GgufTensorData.FromFloats(f32))
            .AddTensor("t.f16", GgufTensorType.F16, [32, 2, 2], GgufTensorData.FromFloats(f16))
            .AddTensor("t.q8", GgufTensorType.Q8_0, [64, 4], GgufTensorData.FromFloats(q8))
            .AddTensor("t.q4", GgufTensorType.Q4_0, [96, 2], GgufTensorData.FromFloats(q4))
            .AddTensor("t.odd", GgufTensorType.F32, [3], GgufTensorData.Constant(7f));

        var path = _dir.File("tensors.gguf");
        w.WriteTo(path);
        var file = GgufReader.Read(path);
        var bytes = File.ReadAllBytes(path);

        Assert.Equal(5, file.Tensors.Count);
        Assert.Equal(0, file.DataOffset % 32);
        Assert.All(file.Tensors, t => Assert.Equal(0, t.Offset % 32));
        Assert.Equal(bytes.Length, file.DataOffset + file.Tensors[^1].Offset + 32); // last tensor padded to 32
        Assert.Equal([64L, 3L], file.GetTensor("t.f32")!.Dimensions);
        Assert.Equal([32L, 2L, 2L], file.GetTensor("t.f16")!.Dimensions);
        Assert.Equal(GgmlType.Q8_0, file.GetTensor("t.q8")!.Type);
        Assert.Equal(GgmlType.Q4_0, file.GetTensor("t.q4")!.Type);
        Assert.Equal(4 * 34L * 2, file.GetTensor("t.q8")!.ByteSize);
        Assert.Equal(3 * 18L * 2, file.GetTensor("t.q4")!.ByteSize);

        var f32Data = TensorBytes(file, bytes, "t.f32");
        for (var i = 0; i < f32.Length; i++)
        {
            Assert.Equal(f32[i], BinaryPrimitives.ReadSingleLittleEndian(f32Data[(i * 4)..]));
        }

        var f16Data = TensorBytes(file, bytes, "t.f16");
        for (var i = 0; i < f16.Length; i++)
        {
            Assert.Equal((Half)f16[i], BinaryPrimitives.ReadHalfLittleEndian(f16Data[(i * 2)..]));
        }

        // Q8_0, decoded by hand: [f16 d][32 x int8], d = max|x| / 127, q = round(x / d).
        var q8Data = TensorBytes(file, bytes, "t.q8");
        for (var b = 0; b < q8.Length / 32; b++)
        {
            var block = q8Data.Slice(b * 34, 34);
            var amax = q8.Skip(b * 32).Take(32).Max(MathF.Abs);
            var d = BinaryPrimitives.ReadHalfLittleEndian(block);
            Assert.Equal((Half)(amax / 127f), d);
            for (var j = 0; j < 32; j++)
            {
                var decoded = (sbyte)block[2 + j] * (float)d;
                Assert.InRange(decoded - q8[(b * 32) + j], -((float)d * 0.51f) - 1e-4f, ((float)d * 0.51f) + 1e-4f);
            }
        }

        // Q4_0, decoded by hand: [f16 d][16 bytes], byte j = q[j] | q[j + 16] << 4, value = (q - 8) * d,
        // d = (value of largest magnitude) / -8.
        var q4Data = TensorBytes(file, bytes, "t.q4");
        for (var b = 0; b < q4.Length / 32; b++)
        {
            var block = q4Data.Slice(b * 18, 18);
            var x = q4.Skip(b * 32).Take(32).ToArray();
            var max = x.MaxBy(MathF.Abs);
            var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
            Assert.Equal((float)(Half)(max / -8f), d);
            for (var j = 0; j < 16; j++)
            {
                var lo = (((block[2 + j] & 0x0F) - 8) * d) - x[j];
                var hi = (((block[2 + j] >> 4) - 8) * d) - x[j + 16];
                Assert.InRange(lo, -Math.Abs(d) - 1e-4f, Math.Abs(d) + 1e-4f);
                Assert.InRange(hi, -Math.Abs(d) - 1e-4f, Math.Abs(d) + 1e-4f);
            }
        }

        // The library's own decoder agrees with the hand decoding.
        var roundTrip = new float[q4.Length];
        GgmlQuantization.Decode(GgufTensorType.Q4_0, q4Data, roundTrip);
        Assert.Equal(((q4Data[2] & 0x0F) - 8) * (float)BinaryPrimitives.ReadHalfLittleEndian(q4Data), roundTrip[0]);
        Assert.Equal([7f, 7f, 7f], Enumerable.Range(0, 3).Select(i => BinaryPrimitives.ReadSingleLittleEndian(TensorBytes(file, bytes, "t.odd")[(i * 4)..])));
    }

    [Fact]
    public void WriteThenRead_CustomAlignment_IsRecordedAndHonoured()
    {
        var w = new GgufWriter(alignment: 64)
            .AddTensor("a", GgufTensorType.F32, [5], GgufTensorData.Constant(1f))
            .AddTensor("b", GgufTensorType.F16, [7], GgufTensorData.Constant(2f));

        var file = WriteAndRead(w);

        Assert.Equal(64, file.Alignment);
        Assert.Equal(64u, file.Get("general.alignment")!.Value);
        Assert.Equal(0, file.DataOffset % 64);
        Assert.Equal(64, file.GetTensor("b")!.Offset);
    }

    [Fact]
    public void Read_RealSizedVocabulary_IsFast()
    {
        // Real Gemma 4 files carry 262,144 tokens and ~515K merges.
        var tokens = Enumerable.Range(0, 262_144).Select(i => "\u2581piece" + i).ToArray();
        var merges = Enumerable.Range(0, 515_000).Select(i => $"\u2581p{i} x").ToArray();
        var w = new GgufWriter();
        w.SetMetadata("tokenizer.ggml.tokens", GgufMetadataValue.StringArray(tokens));
        w.SetMetadata("tokenizer.ggml.merges", GgufMetadataValue.StringArray(merges));
        w.SetMetadata("tokenizer.ggml.token_type", GgufMetadataValue.Int32Array(new int[tokens.Length]));
        var path = _dir.File("vocab.gguf");
        w.WriteTo(path);

        GgufReader.Read(path); // warm up the JIT and the page cache
        var sw = Stopwatch.StartNew();
        var file = GgufReader.Read(path);
        sw.Stop();

        var read = file.GetArray("tokenizer.ggml.tokens")!.Strings!;
        Assert.Equal(262_144, read.Count);
        Assert.Equal("\u2581piece262143", read[^1]);
        Assert.Equal("\u2581p514999 x", file.GetArray("tokenizer.ggml.merges")!.Strings![514_999]);
        Assert.True(sw.ElapsedMilliseconds < 2000, $"reading took {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void WriteTo_NonSeekableStream_WritesTheSameBytes()
    {
        var w = new GgufWriter();
        w.SetMetadata("general.architecture", GgufMetadataValue.String("gemma4"));
        w.AddTensor("x", GgufTensorType.Q8_0, [64], GgufTensorData.FromFloats(Values(5, 64)));
        using var seekable = new MemoryStream();
        w.WriteTo(seekable);
        using var inner = new MemoryStream();
        using (var forwardOnly = new ForwardOnlyStream(inner))
        {
            w.WriteTo(forwardOnly);
        }

        Assert.Equal(seekable.ToArray(), inner.ToArray());
    }

    private GgufFile WriteAndRead(GgufWriter writer)
    {
        var path = _dir.File(Guid.NewGuid().ToString("N") + ".gguf");
        writer.WriteTo(path);
        return GgufReader.Read(path);
    }

    private static void AssertValue(GgufFile file, string key, GgufValueType type, object expected)
    {
        var value = file.Get(key);
        Assert.NotNull(value);
        Assert.Equal(type, value.Type);
        Assert.Equal(expected, value.Value);
    }

    private static ReadOnlySpan<byte> TensorBytes(GgufFile file, byte[] bytes, string name)
    {
        var t = file.GetTensor(name)!;
        return bytes.AsSpan((int)(file.DataOffset + t.Offset), (int)t.ByteSize!.Value);
    }

    private static float[] Values(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() - 0.5) * 0.2))];
    }

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
