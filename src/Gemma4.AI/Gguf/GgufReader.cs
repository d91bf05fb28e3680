using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Gemma4.AI.Gguf;

/// <summary>
/// Reads the header of a GGUF file (metadata and tensor infos) without touching tensor data, so a multi-GB model
/// is inspected in milliseconds. Every count and length is checked against the bytes left in the file before
/// anything is allocated: a truncated or hostile file raises <see cref="GgufFormatException"/>, never an
/// out-of-memory or a hang.
/// </summary>
internal static class GgufReader
{
    /// <summary>"GGUF" read as a little-endian uint32.</summary>
    public const uint Magic = 0x46554747;

    /// <summary>Alignment of tensor data when <c>general.alignment</c> is absent.</summary>
    public const int DefaultAlignment = 32;

    /// <summary>Cap on one metadata string or array payload; real files stay far below (a 262K vocabulary is ~4 MB).</summary>
    internal const long MaxValueBytes = 256L * 1024 * 1024;

    private const int MaxArrayDepth = 8;
    private const int MaxDimensions = 4; // GGML_MAX_DIMS

    /// <summary>Reads the header of the GGUF file at <paramref name="path"/>.</summary>
    /// <exception cref="GgufFormatException">The file is not a well-formed GGUF file.</exception>
    public static GgufFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
        return Read(stream, path);
    }

    /// <summary>Reads a GGUF header from the current position of a seekable stream (position 0 = start of the file).</summary>
    /// <exception cref="GgufFormatException">The bytes are not a well-formed GGUF header.</exception>
    public static GgufFile Read(Stream stream, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Reading GGUF requires a little-endian platform.");
        }

        var input = new Input(stream);
        return new Parser(input, path).Parse();
    }

    private sealed class Parser(Input input, string? path)
    {
        public GgufFile Parse()
        {
            if (input.Length == 0)
            {
                throw new GgufFormatException("the file is empty (0 bytes), not a GGUF model");
            }

            if (input.Length < 4)
            {
                throw new GgufFormatException($"the file is only {input.Length} bytes long, not a GGUF model");
            }

            var magic = input.ReadUInt32();
            if (magic != Magic)
            {
                throw new GgufFormatException($"not a GGUF file (it starts with {DescribeMagic(magic)} instead of 'GGUF')");
            }

            var version = input.ReadUInt32("the GGUF version");
            if (version is not (2 or 3))
            {
                throw new GgufFormatException(version switch
                {
                    1 => "GGUF version 1 is not supported (llama.cpp reads versions 2 and 3)",
                    _ when BinaryPrimitives.ReverseEndianness(version) is 2 or 3 => "big-endian GGUF files are not supported",
                    _ => $"unsupported GGUF version {version} (llama.cpp reads versions 2 and 3)",
                });
            }

            var tensorCount = input.ReadUInt64("the tensor count");
            var kvCount = input.ReadUInt64("the metadata count");

            // Smallest possible entries: a key/value is 8 (key length) + 1 (key) + 4 (type) + 1 (value) bytes, a tensor
            // info 8 (name length) + 4 (n_dims) + 4 (type) + 8 (offset) bytes.
            if (kvCount > (ulong)input.Remaining / 14)
            {
                throw new GgufFormatException(
                    $"the GGUF header is truncated or corrupt: it claims {kvCount} metadata entries, more than the {input.Length}-byte file can hold");
            }

            if (tensorCount > (ulong)input.Remaining / 24)
            {
                throw new GgufFormatException(
                    $"the GGUF header is truncated or corrupt: it claims {tensorCount} tensors, more than the {input.Length}-byte file can hold");
            }

            var metadata = new List<KeyValuePair<string, GgufValue>>((int)kvCount);
            var keys = new HashSet<string>(StringComparer.Ordinal);
            for (ulong i = 0; i < kvCount; i++)
            {
                var key = ReadString("a metadata key");
                if (!keys.Add(key))
                {
                    throw new GgufFormatException($"duplicate metadata key '{key}'");
                }

                var type = ReadType($"the type of '{key}'");
                var value = ReadValue(type, key, depth: 0);
                metadata.Add(new(key, value));
            }

            var alignment = DefaultAlignment;
            if (keys.Contains("general.alignment"))
            {
                var a = metadata.First(kv => kv.Key == "general.alignment").Value;
                if (a.Value is not uint u || u == 0 || (u & (u - 1)) != 0 || u > 1 << 20)
                {
                    throw new GgufFormatException($"'general.alignment' must be a uint32 power of two, found {a.Type} {a}");
                }

                alignment = (int)u;
            }

            var tensors = new List<GgufTensorInfo>((int)tensorCount);
            for (ulong i = 0; i < tensorCount; i++)
            {
                tensors.Add(ReadTensorInfo());
            }

            var dataOffset = AlignUp(input.Position, alignment);
            return new GgufFile(path, input.Length, version, metadata, tensors, alignment, dataOffset);
        }

        private GgufTensorInfo ReadTensorInfo()
        {
            var name = ReadString("a tensor name");
            var nDims = input.ReadUInt32($"the dimension count of tensor '{name}'");
            if (nDims > MaxDimensions)
            {
                throw new GgufFormatException($"tensor '{name}' has {nDims} dimensions (at most {MaxDimensions})");
            }

            var dims = new long[nDims];
            long elements = 1;
            for (var d = 0; d < nDims; d++)
            {
                var ne = input.ReadUInt64($"a dimension of tensor '{name}'");
                if (ne > long.MaxValue || (ne != 0 && elements > long.MaxValue / (long)ne))
                {
                    throw new GgufFormatException($"tensor '{name}' has an absurd shape (dimension {d} is {ne})");
                }

                dims[d] = (long)ne;
                elements *= (long)ne;
            }

            var type = (GgmlType)input.ReadUInt32($"the type of tensor '{name}'");
            var offset = input.ReadUInt64($"the data offset of tensor '{name}'");
            if (offset > long.MaxValue)
            {
                throw new GgufFormatException($"tensor '{name}' has an absurd data offset {offset}");
            }

            return new GgufTensorInfo(name, dims, type, (long)offset);
        }

        private GgufValueType ReadType(string what)
        {
            var raw = input.ReadUInt32(what);
            if (raw > (uint)GgufValueType.Float64)
            {
                throw new GgufFormatException($"unknown GGUF value type {raw} for {what}");
            }

            return (GgufValueType)raw;
        }

        private GgufValue ReadValue(GgufValueType type, string key, int depth)
        {
            object value = type switch
            {
                GgufValueType.UInt8 => input.ReadByte(key),
                GgufValueType.Int8 => (sbyte)input.ReadByte(key),
                GgufValueType.UInt16 => input.ReadUInt16(key),
                GgufValueType.Int16 => (short)input.ReadUInt16(key),
                GgufValueType.UInt32 => input.ReadUInt32(key),
                GgufValueType.Int32 => (int)input.ReadUInt32(key),
                GgufValueType.Float32 => BitConverter.UInt32BitsToSingle(input.ReadUInt32(key)),
                GgufValueType.Bool => input.ReadByte(key) != 0,
                GgufValueType.String => ReadString($"the value of '{key}'"),
                GgufValueType.UInt64 => input.ReadUInt64(key),
                GgufValueType.Int64 => (long)input.ReadUInt64(key),
                GgufValueType.Float64 => BitConverter.UInt64BitsToDouble(input.ReadUInt64(key)),
                GgufValueType.Array => ReadArray(key, depth),
                _ => throw new GgufFormatException($"unknown GGUF value type {(uint)type} for '{key}'"),
            };
            return new GgufValue(type, value);
        }

        private GgufArray ReadArray(string key, int depth)
        {
            if (depth >= MaxArrayDepth)
            {
                throw new GgufFormatException($"'{key}' nests arrays more than {MaxArrayDepth} deep");
            }

            var elementType = ReadType($"the element type of '{key}'");
            var count = input.ReadUInt64($"the length of '{key}'");
            var minElementBytes = elementType switch
            {
                GgufValueType.String => 8,
                GgufValueType.Array => 12,
                _ => GgufValue.FixedSize(elementType),
            };
            if (count > (ulong)(input.Remaining / minElementBytes))
            {
                throw new GgufFormatException(
                    $"the GGUF header is truncated or corrupt: '{key}' claims {count} elements, more than the rest of the file ({input.Remaining} bytes) can hold");
            }

            if (count * (ulong)minElementBytes > MaxValueBytes)
            {
                throw new GgufFormatException($"'{key}' claims {count} elements, more than this reader accepts");
            }

            var n = (int)count;
            return elementType switch
            {
                GgufValueType.UInt8 => new GgufArray(elementType, ReadNumbers<byte>(n, key)),
                GgufValueType.Int8 => new GgufArray(elementType, ReadNumbers<sbyte>(n, key)),
                GgufValueType.UInt16 => new GgufArray(elementType, ReadNumbers<ushort>(n, key)),
                GgufValueType.Int16 => new GgufArray(elementType, ReadNumbers<short>(n, key)),
                GgufValueType.UInt32 => new GgufArray(elementType, ReadNumbers<uint>(n, key)),
                GgufValueType.Int32 => new GgufArray(elementType, ReadNumbers<int>(n, key)),
                GgufValueType.Float32 => new GgufArray(elementType, ReadNumbers<float>(n, key)),
                GgufValueType.UInt64 => new GgufArray(elementType, ReadNumbers<ulong>(n, key)),
                GgufValueType.Int64 => new GgufArray(elementType, ReadNumbers<long>(n, key)),
                GgufValueType.Float64 => new GgufArray(elementType, ReadNumbers<double>(n, key)),
                GgufValueType.Bool => new GgufArray(elementType, Array.ConvertAll(ReadNumbers<byte>(n, key), b => b != 0)),
                GgufValueType.String => new GgufArray(ReadStrings(n, key)),
                GgufValueType.Array => new GgufArray(elementType, ReadNested(n, key, depth)),
                _ => throw new GgufFormatException($"unknown GGUF value type {(uint)elementType} in '{key}'"),
            };
        }

        private GgufArray[] ReadNested(int count, string key, int depth)
        {
            var items = new GgufArray[count];
            for (var i = 0; i < count; i++)
            {
                items[i] = ReadArray(key, depth + 1);
            }

            return items;
        }

        private T[] ReadNumbers<T>(int count, string key)
            where T : unmanaged
        {
            var items = new T[count];
            input.ReadExactly(MemoryMarshal.AsBytes(items.AsSpan()), key);
            return items;
        }

        private GgufStringArray ReadStrings(int count, string key)
        {
            var offsets = new int[count + 1];

            // Start with an estimate (~12 bytes a string) and grow; the payload is bounded by the file, so is the blob.
            var blob = new byte[(int)Math.Min(Math.Max(16L, count * 12L), input.Remaining)];
            var used = 0;
            for (var i = 0; i < count; i++)
            {
                var length = input.ReadUInt64(key);
                if (length > (ulong)input.Remaining || (ulong)used + length > MaxValueBytes)
                {
                    throw new GgufFormatException(
                        $"the GGUF header is truncated or corrupt: string {i} of '{key}' claims {length} bytes, more than the rest of the file ({input.Remaining} bytes) holds");
                }

                var len = (int)length;
                if (used + len > blob.Length)
                {
                    Array.Resize(ref blob, (int)Math.Min(MaxValueBytes, Math.Max((long)blob.Length * 2, used + (long)len)));
                }

                input.ReadExactly(blob.AsSpan(used, len), key);
                used += len;
                offsets[i + 1] = used;
            }

            return new GgufStringArray(blob, offsets);
        }

        private string ReadString(string what)
        {
            var length = input.ReadUInt64(what);
            if (length > (ulong)input.Remaining)
            {
                throw new GgufFormatException(
                    $"the GGUF header is truncated or corrupt: {what} at offset {input.Position - 8} claims {length} bytes, more than the rest of the file ({input.Remaining} bytes)");
            }

            if (length > MaxValueBytes)
            {
                throw new GgufFormatException($"{what} claims {length} bytes, more than this reader accepts");
            }

            return input.ReadUtf8((int)length, what);
        }

        private static string DescribeMagic(uint magic)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, magic);
            foreach (var b in bytes)
            {
                if (b is < 0x20 or > 0x7E)
                {
                    return "bytes " + Convert.ToHexString(bytes);
                }
            }

            return "'" + Encoding.ASCII.GetString(bytes) + "'";
        }
    }

    internal static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;

    /// <summary>A forward-only buffered reader that knows how many bytes the file has left.</summary>
    private sealed class Input
    {
        private readonly Stream _stream;
        private readonly byte[] _buffer = new byte[256 * 1024];
        private readonly long _start;
        private long _bufferStart; // stream offset (relative to _start) of _buffer[0]
        private int _pos;
        private int _len;

        public Input(Stream stream)
        {
            if (!stream.CanSeek || !stream.CanRead)
            {
                throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));
            }

            _stream = stream;
            _start = stream.Position;
            Length = stream.Length - _start;
        }

        public long Length { get; }

        public long Position => _bufferStart + _pos;

        public long Remaining => Length - Position;

        public byte ReadByte(string what)
        {
            Need(1, what);
            return _buffer[_pos++];
        }

        public ushort ReadUInt16(string what)
        {
            Need(2, what);
            var v = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(_pos));
            _pos += 2;
            return v;
        }

        public uint ReadUInt32(string what = "the GGUF magic")
        {
            Need(4, what);
            var v = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_pos));
            _pos += 4;
            return v;
        }

        public ulong ReadUInt64(string what)
        {
            Need(8, what);
            var v = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(_pos));
            _pos += 8;
            return v;
        }

        public string ReadUtf8(int length, string what)
        {
            if (length <= _buffer.Length)
            {
                Need(length, what);
                var s = Encoding.UTF8.GetString(_buffer, _pos, length);
                _pos += length;
                return s;
            }

            var bytes = new byte[length];
            ReadExactly(bytes, what);
            return Encoding.UTF8.GetString(bytes);
        }

        public void ReadExactly(Span<byte> destination, string what)
        {
            if (destination.Length > Remaining)
            {
                throw Truncated(what);
            }

            var buffered = Math.Min(destination.Length, _len - _pos);
            _buffer.AsSpan(_pos, buffered).CopyTo(destination);
            _pos += buffered;
            destination = destination[buffered..];
            if (destination.IsEmpty)
            {
                return;
            }

            if (destination.Length >= _buffer.Length / 2)
            {
                // Large payloads go straight from the stream into the destination.
                _bufferStart += _len;
                _pos = _len = 0;
                _stream.Position = _start + _bufferStart;
                var read = _stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
                _bufferStart += read;
                if (read < destination.Length)
                {
                    throw Truncated(what);
                }

                return;
            }

            Need(destination.Length, what);
            _buffer.AsSpan(_pos, destination.Length).CopyTo(destination);
            _pos += destination.Length;
        }

        private void Need(int count, string what)
        {
            if (_len - _pos >= count)
            {
                return;
            }

            if (count > Remaining)
            {
                throw Truncated(what);
            }

            // Move the unread tail to the front and refill behind it.
            var tail = _len - _pos;
            Buffer.BlockCopy(_buffer, _pos, _buffer, 0, tail);
            _bufferStart += _pos;
            _pos = 0;
            _len = tail;
            _stream.Position = _start + _bufferStart + _len;
            while (_len < count)
            {
                var read = _stream.Read(_buffer, _len, _buffer.Length - _len);
                if (read == 0)
                {
                    throw Truncated(what);
                }

                _len += read;
            }
        }

        private GgufFormatException Truncated(string what) => new(string.Format(
            CultureInfo.InvariantCulture,
            "the GGUF header is truncated: the file ends ({0} bytes) while reading {1}",
            Length,
            what));
    }
}
