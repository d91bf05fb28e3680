namespace Gemma4.AI.Gguf;

/// <summary>The header of a GGUF file: metadata and tensor infos. Tensor data is never read.</summary>
internal sealed class GgufFile
{
    private readonly Dictionary<string, GgufValue> _metadata;
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;

    internal GgufFile(
        string? path,
        long fileLength,
        uint version,
        IReadOnlyList<KeyValuePair<string, GgufValue>> metadata,
        IReadOnlyList<GgufTensorInfo> tensors,
        int alignment,
        long dataOffset)
    {
        Path = path;
        FileLength = fileLength;
        Version = version;
        MetadataEntries = metadata;
        Tensors = tensors;
        Alignment = alignment;
        DataOffset = dataOffset;
        _metadata = new Dictionary<string, GgufValue>(metadata.Count, StringComparer.Ordinal);
        foreach (var (key, value) in metadata)
        {
            _metadata[key] = value;
        }

        _tensorsByName = new Dictionary<string, GgufTensorInfo>(tensors.Count, StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            _tensorsByName.TryAdd(t.Name, t);
        }
    }

    /// <summary>The file the header was read from, if it came from a file.</summary>
    public string? Path { get; }

    /// <summary>The length of the whole file in bytes.</summary>
    public long FileLength { get; }

    /// <summary>The GGUF version (2 or 3).</summary>
    public uint Version { get; }

    /// <summary>Metadata in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, GgufValue>> MetadataEntries { get; }

    public IReadOnlyDictionary<string, GgufValue> Metadata => _metadata;

    /// <summary>Tensor infos in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>The data alignment (<c>general.alignment</c>, default 32).</summary>
    public int Alignment { get; }

    /// <summary>Absolute file offset where tensor data starts.</summary>
    public long DataOffset { get; }

    /// <summary>The <c>general.architecture</c> value, if present and a string.</summary>
    public string? Architecture => GetString("general.architecture");

    public bool TryGetValue(string key, out GgufValue value) => _metadata.TryGetValue(key, out value!);

    public GgufValue? Get(string key) => _metadata.GetValueOrDefault(key);

    public GgufTensorInfo? GetTensor(string name) => _tensorsByName.GetValueOrDefault(name);

    public string? GetString(string key) => Get(key)?.AsString();

    public long? GetInt64(string key) => Get(key) is { } v && v.TryGetInt64(out var r) ? r : null;

    public double? GetDouble(string key) => Get(key) is { } v && v.TryGetDouble(out var r) ? r : null;

    public GgufArray? GetArray(string key) => Get(key)?.AsArray();

    /// <summary>The largest end offset (absolute) of the data of any tensor with a known size, or <see cref="DataOffset"/>.</summary>
    public long DataEnd
    {
        get
        {
            var end = DataOffset;
            foreach (var t in Tensors)
            {
                if (t.ByteSize is { } size)
                {
                    end = Math.Max(end, DataOffset + t.Offset + size);
                }
            }

            return end;
        }
    }
}
