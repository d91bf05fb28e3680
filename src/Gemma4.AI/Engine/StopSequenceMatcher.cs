namespace Gemma4.AI.Engine;

/// <summary>
/// Finds stop sequences in streamed text with ordinal comparison, holding back only a tail that could still
/// grow into a stop sequence, so the stop text itself is never emitted.
/// </summary>
internal sealed class StopSequenceMatcher
{
    private readonly string[] _stops;
    private readonly int _maxStopLength;
    private string _pending = string.Empty;

    public StopSequenceMatcher(IReadOnlyList<string> stopSequences)
    {
        _stops = stopSequences.Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).ToArray();
        _maxStopLength = _stops.Length == 0 ? 0 : _stops.Max(s => s.Length);
    }

    public bool IsEmpty => _stops.Length == 0;

    /// <summary>Adds text; returns the text safe to emit now, and whether a stop sequence was reached.</summary>
    public string Push(string text, out bool stopped)
    {
        stopped = false;
        if (_stops.Length == 0)
        {
            return text;
        }

        var buffer = _pending.Length == 0 ? text : string.Concat(_pending, text);
        var stopAt = -1;
        foreach (var stop in _stops)
        {
            var i = buffer.IndexOf(stop, StringComparison.Ordinal);
            if (i >= 0 && (stopAt < 0 || i < stopAt))
            {
                stopAt = i;
            }
        }

        if (stopAt >= 0)
        {
            stopped = true;
            _pending = string.Empty;
            return buffer[..stopAt];
        }

        var hold = HeldTailLength(buffer);
        _pending = buffer[^hold..];
        return buffer[..^hold];
    }

    /// <summary>Releases the held-back tail at the end of generation.</summary>
    public string Flush()
    {
        var rest = _pending;
        _pending = string.Empty;
        return rest;
    }

    // Length of the longest suffix of the buffer that is a proper prefix of some stop sequence.
    private int HeldTailLength(string buffer)
    {
        for (var len = Math.Min(buffer.Length, _maxStopLength - 1); len > 0; len--)
        {
            var tail = buffer.AsSpan(buffer.Length - len);
            foreach (var stop in _stops)
            {
                if (stop.Length > len && stop.AsSpan(0, len).SequenceEqual(tail))
                {
                    return len;
                }
            }
        }

        return 0;
    }
}
