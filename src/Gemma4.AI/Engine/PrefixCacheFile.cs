using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Gemma4.AI.Engine;

/// <summary>
/// The file format of a persistent prefix-cache entry: a header that identifies the model and context it belongs to,
/// the tokens, and llama.cpp's sequence state with its SHA-256.
/// </summary>
/// <remarks>
/// Layout (little-endian): "G4PC", version u32, model fingerprint [32], token count i32, state length i64,
/// state SHA-256 [32], tokens (i32 each), state bytes. A file whose header, size or checksum does not match is never
/// handed to llama.cpp, which would trust whatever bytes it gets.
/// </remarks>
internal static class PrefixCacheFile
{
    public const string Extension = ".g4kv";
    private const uint Magic = 0x43503447; // "G4PC"
    private const uint Version = 1;
    private const int FixedHeader = 4 + 4 + 32 + 4 + 8 + 32;

    public static long HeaderLength(int tokenCount) => FixedHeader + (4L * tokenCount);

    /// <summary>Writes an entry to a temporary file and moves it into place, so readers never see half a file.</summary>
    public static void Write(string path, ReadOnlySpan<byte> fingerprint, int[] tokens, ReadOnlySpan<byte> state)
    {
        var header = new byte[HeaderLength(tokens.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), Version);
        fingerprint.CopyTo(header.AsSpan(8, 32));
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(40), tokens.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(44), state.Length);
        SHA256.HashData(state, header.AsSpan(52, 32));
        for (var i = 0; i < tokens.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(FixedHeader + (4 * i)), tokens[i]);
        }

        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                stream.Write(header);
                stream.Write(state);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// The file name of an entry: a hash of the model fingerprint and the tokens, so models sharing a folder never
    /// write to each other's files.
    /// </summary>
    public static string FileName(ReadOnlySpan<byte> fingerprint, ReadOnlySpan<int> tokens)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(fingerprint);
        hash.AppendData(MemoryMarshal.AsBytes(tokens));
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..32] + Extension;
    }

    /// <summary>
    /// Reads and checks an entry's header; null (with the reason) if it is not a valid entry for this model.
    /// <paramref name="belongsElsewhere"/> marks a file this cache must not delete: an entry of another model or KV settings.
    /// </summary>
    public static PrefixCacheEntry? ReadHeader(string path, ReadOnlySpan<byte> fingerprint, out string? problem, out bool belongsElsewhere)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return ReadHeader(stream, path, fingerprint, stackalloc byte[32], out problem, out belongsElsewhere);
    }

    /// <summary>
    /// Reads an entry's state, checking the whole file again (another process may have replaced it since it was indexed):
    /// the header must still name this model and the entry's tokens, and the state must match its SHA-256. Null (with the
    /// reason, and <paramref name="belongsElsewhere"/> as in <see cref="ReadHeader(string, ReadOnlySpan{byte}, out string?, out bool)"/>) otherwise.
    /// </summary>
    public static byte[]? ReadState(PrefixCacheEntry entry, ReadOnlySpan<byte> fingerprint, out string? problem, out bool belongsElsewhere)
    {
        using var stream = new FileStream(entry.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        Span<byte> expected = stackalloc byte[32];
        if (ReadHeader(stream, entry.Path, fingerprint, expected, out problem, out belongsElsewhere) is not { } current)
        {
            return null;
        }

        if (!current.Tokens.AsSpan().SequenceEqual(entry.Tokens) || current.DataLength != entry.DataLength)
        {
            // A valid entry of this model, just not the one indexed under this name: left for a later start to index.
            problem = "it was replaced by an entry of other tokens";
            belongsElsewhere = true;
            return null;
        }

        var state = GC.AllocateUninitializedArray<byte>(checked((int)current.DataLength));
        stream.ReadExactly(state);
        if (!SHA256.HashData(state).AsSpan().SequenceEqual(expected))
        {
            problem = "its checksum does not match (the file was modified or damaged)";
            return null;
        }

        problem = null;
        return state;
    }

    // Leaves the stream at the state bytes and the state's recorded SHA-256 in checksum.
    private static PrefixCacheEntry? ReadHeader(Stream stream, string path, ReadOnlySpan<byte> fingerprint, Span<byte> checksum, out string? problem, out bool belongsElsewhere)
    {
        belongsElsewhere = false;
        Span<byte> fixedPart = stackalloc byte[FixedHeader];
        if (stream.ReadAtLeast(fixedPart, FixedHeader, throwOnEndOfStream: false) < FixedHeader
            || BinaryPrimitives.ReadUInt32LittleEndian(fixedPart) != Magic)
        {
            problem = "not a prefix-cache file";
            return null;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[4..]) != Version)
        {
            problem = "written by another version";
            return null;
        }

        if (!fixedPart.Slice(8, 32).SequenceEqual(fingerprint))
        {
            problem = "made with another model or KV cache settings";
            belongsElsewhere = true;
            return null;
        }

        var tokenCount = BinaryPrimitives.ReadInt32LittleEndian(fixedPart[40..]);
        var dataLength = BinaryPrimitives.ReadInt64LittleEndian(fixedPart[44..]);
        if (tokenCount <= 0 || dataLength <= 0 || HeaderLength(tokenCount) + dataLength != stream.Length)
        {
            problem = $"truncated or inconsistent ({stream.Length} bytes for {tokenCount} tokens and {dataLength} state bytes)";
            return null;
        }

        fixedPart.Slice(52, 32).CopyTo(checksum);
        var tokenBytes = new byte[4L * tokenCount];
        stream.ReadExactly(tokenBytes);
        var tokens = new int[tokenCount];
        for (var i = 0; i < tokenCount; i++)
        {
            tokens[i] = BinaryPrimitives.ReadInt32LittleEndian(tokenBytes.AsSpan(4 * i));
        }

        problem = null;
        return new PrefixCacheEntry(path, tokens, dataLength);
    }
}
