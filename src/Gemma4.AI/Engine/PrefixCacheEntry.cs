namespace Gemma4.AI.Engine;

/// <summary>A saved sequence state on disk: the tokens it holds and where its file is.</summary>
internal sealed class PrefixCacheEntry(string path, int[] tokens, long dataLength)
{
    public string Path { get; } = path;

    public int[] Tokens { get; } = tokens;

    public long DataLength { get; } = dataLength;

    public DateTime LastUsed { get; set; } = File.GetLastWriteTimeUtc(path);
}
