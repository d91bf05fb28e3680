using System.Collections;

namespace Gemma4.AI.Formatting;

/// <summary>An insertion-ordered string-keyed mapping with Python <c>dict</c> semantics.</summary>
/// <remarks>
/// Setting an existing key keeps its first position and takes the last value, as <c>json.loads</c> does for
/// duplicate keys, so the template sees the same mapping Python would.
/// </remarks>
internal sealed class PyDict : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _items = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public int Count => _items.Count;

    public object? this[string key]
    {
        set
        {
            if (_index.TryGetValue(key, out var i))
            {
                _items[i] = new(key, value);
            }
            else
            {
                _index[key] = _items.Count;
                _items.Add(new(key, value));
            }
        }
    }

    public bool TryGetValue(string key, out object? value)
    {
        if (_index.TryGetValue(key, out var i))
        {
            value = _items[i].Value;
            return true;
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
