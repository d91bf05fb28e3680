using System.Collections;
using System.Text;

namespace Gemma4.AI.Gguf;

/// <summary>
/// A GGUF string array kept as one UTF-8 blob plus offsets: a 262,144-entry vocabulary (or half a million merges)
/// costs two allocations, and a string is decoded only when someone asks for it.
/// </summary>
internal sealed class GgufStringArray : IReadOnlyList<string>
{
    private readonly byte[] _utf8;
    private readonly int[] _offsets; // Count + 1 entries; string i is _utf8[_offsets[i].._offsets[i + 1]].

    internal GgufStringArray(byte[] utf8, int[] offsets)
    {
        _utf8 = utf8;
        _offsets = offsets;
    }

    public int Count => _offsets.Length - 1;

    public string this[int index] => Encoding.UTF8.GetString(GetUtf8(index));

    /// <summary>The raw UTF-8 bytes of element <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> GetUtf8(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _utf8.AsSpan(_offsets[index], _offsets[index + 1] - _offsets[index]);
    }

    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
