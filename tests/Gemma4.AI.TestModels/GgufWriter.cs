using System.Buffers;
using System.Text;

namespace Gemma4.AI.TestModels;

/// <summary>
/// Writes GGUF v3 files: metadata of every value type (arrays included) and F32/F16/Q8_0/Q4_0 tensors. Describe
/// everything first, then <see cref="WriteTo(Stream)"/> streams the header and tensor data in one pass, chunk by
/// chunk, so a multi-GB file never sits in memory.
/// </summary>
public sealed class GgufWriter
{
    private const uint Magic = 0x46554747; // "GGUF"
    private const uint Version = 3;
    private const int ChunkElements = 1 << 16; // a multiple of every block size

    private readonly List<KeyValuePair<string, GgufMetadataValue>> _metadata = [];
    private readonly List<Tensor> _tensors = [];

    /// <summary>Creates a writer.</summary>
    /// <param name="alignment">Tensor data alignment; a power of two. Anything but 32 is recorded in <c>general.alignment</c>.</param>
    public GgufWriter(int alignment = 32)
    {
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "Alignment must be a power of two.");
        }

        Alignment = alignment;
        if (alignment != 32)
        {
            SetMetadata("general.alignment", GgufMetadataValue.UInt32((uint)alignment));
        }
    }

    /// <summary>The tensor data alignment.</summary>
    public int Alignment { get; }

    /// <summary>The metadata, in the order it will be written.</summary>
    public IReadOnlyList<KeyValuePair<string, GgufMetadataValue>> Metadata => _metadata;

    /// <summary>The tensor names, in the order they will be written.</summary>
    public IReadOnlyList<string> TensorNames => _tensors.ConvertAll(t => t.Name);

    /// <summary>Adds a key, or replaces its value in place.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This writer.</returns>
    public GgufWriter SetMetadata(string key, GgufMetadataValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        var index = _metadata.FindIndex(kv => kv.Key == key);
        if (index >= 0)
        {
            _metadata[index] = new(key, value);
        }
        else
        {
            _metadata.Add(new(key, value));
        }

        return this;
    }

    /// <summary>Removes a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether it was there.</returns>
    public bool RemoveMetadata(string key) => _metadata.RemoveAll(kv => kv.Key == key) > 0;

    /// <summary>Adds a tensor.</summary>
    /// <param name="name">The name (at most 63 bytes, as ggml requires).</param>
    /// <param name="type">The type to store it in.</param>
    /// <param name="shape">The shape in ggml order (fastest dimension first), 1 to 4 dimensions.</param>
    /// <param name="data">The data source.</param>
    /// <returns>This writer.</returns>
    public GgufWriter AddTensor(string name, GgufTensorType type, IReadOnlyList<long> shape, GgufTensorData data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (Encoding.UTF8.GetByteCount(name) >= 64)
        {
            throw new ArgumentException($"Tensor name '{name}' is longer than ggml's 63-byte limit.", nameof(name));
        }

        if (shape.Count is < 1 or > 4 || shape.Any(d => d <= 0))
        {
            throw new ArgumentException($"Tensor '{name}' needs 1 to 4 positive dimensions.", nameof(shape));
        }

        if (shape[0] % GgmlQuantization.BlockElements(type) != 0)
        {
            throw new ArgumentException(
                $"Tensor '{name}': {type} rows must be a multiple of {GgmlQuantization.BlockElements(type)} elements.", nameof(shape));
        }

        if (_tensors.Exists(t => t.Name == name))
        {
            throw new ArgumentException($"Tensor '{name}' was already added.", nameof(name));
        }

        var elements = shape.Aggregate(1L, (a, b) => checked(a * b));
        _tensors.Add(new Tensor(name, type, [.. shape], elements, GgmlQuantization.ByteSize(type, elements), data));
        return this;
    }

    /// <summary>Removes a tensor.</summary>
    /// <param name="name">The name.</param>
    /// <returns>Whether it was there.</returns>
    public bool RemoveTensor(string name) => _tensors.RemoveAll(t => t.Name == name) > 0;

    /// <summary>The size of the file <see cref="WriteTo(Stream)"/> would write, computed without generating any tensor data.</summary>
    /// <returns>The length in bytes.</returns>
    public long ComputeFileLength() => Align(HeaderSize()) + _tensors.Sum(t => Align(t.ByteSize));

    /// <summary>Writes the file to <paramref name="path"/> (created or overwritten).</summary>
    /// <param name="path">The destination file.</param>
    public void WriteTo(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        WriteTo(stream);
    }

    /// <summary>Streams the whole file to <paramref name="destination"/>.</summary>
    /// <param name="destination">The stream; left open.</param>
    public void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        var start = destination.CanSeek ? destination.Position : 0;
        long written = 0;

        writer.Write(Magic);
        writer.Write(Version);
        writer.Write((ulong)_tensors.Count);
        writer.Write((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            GgufMetadataValue.WriteString(writer, key);
            writer.Write((uint)value.Type);
            value.WritePayload(writer);
        }

        long offset = 0;
        foreach (var t in _tensors)
        {
            GgufMetadataValue.WriteString(writer, t.Name);
            writer.Write((uint)t.Shape.Length);
            foreach (var d in t.Shape)
            {
                writer.Write((ulong)d);
            }

            writer.Write((uint)t.Type);
            writer.Write((ulong)offset);
            offset += Align(t.ByteSize);
        }

        writer.Flush();
        written = destination.CanSeek ? destination.Position - start : HeaderSize();
        WritePadding(writer, Align(written) - written);

        foreach (var t in _tensors)
        {
            WriteTensorData(writer, t);
            WritePadding(writer, Align(t.ByteSize) - t.ByteSize);
        }

        writer.Flush();
    }

    private static void WriteTensorData(BinaryWriter writer, Tensor t)
    {
        var blockElements = GgmlQuantization.BlockElements(t.Type);
        var blockBytes = GgmlQuantization.BlockBytes(t.Type);
        var chunkBytes = ChunkElements / blockElements * blockBytes;
        var bytes = ArrayPool<byte>.Shared.Rent(chunkBytes);
        var floats = t.Data.FloatSource is null ? null : ArrayPool<float>.Shared.Rent(ChunkElements);
        try
        {
            for (long element = 0; element < t.Elements; element += ChunkElements)
            {
                var n = (int)Math.Min(ChunkElements, t.Elements - element);
                var byteCount = n / blockElements * blockBytes;
                var chunk = bytes.AsSpan(0, byteCount);
                if (floats is not null)
                {
                    var values = floats.AsSpan(0, n);
                    t.Data.FloatSource!(element, values);
                    GgmlQuantization.Encode(t.Type, values, chunk);
                }
                else
                {
                    t.Data.ByteSource!(element / blockElements * blockBytes, chunk);
                }

                writer.Write(chunk);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            if (floats is not null)
            {
                ArrayPool<float>.Shared.Return(floats);
            }
        }
    }

    private long HeaderSize()
    {
        using var counter = new CountingStream();
        using (var w = new BinaryWriter(counter, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(new byte[24]);
            foreach (var (key, value) in _metadata)
            {
                GgufMetadataValue.WriteString(w, key);
                w.Write((uint)value.Type);
                value.WritePayload(w);
            }

            foreach (var t in _tensors)
            {
                GgufMetadataValue.WriteString(w, t.Name);
                w.Write(new byte[4 + (8 * t.Shape.Length) + 4 + 8]);
            }
        }

        return counter.Length;
    }

    private long Align(long n) => (n + Alignment - 1) / Alignment * Alignment;

    private static void WritePadding(BinaryWriter writer, long count)
    {
        for (long i = 0; i < count; i++)
        {
            writer.Write((byte)0);
        }
    }

    private sealed record Tensor(string Name, GgufTensorType Type, long[] Shape, long Elements, long ByteSize, GgufTensorData Data);

    /// <summary>Counts bytes for non-seekable destinations.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;
    }
}
