namespace Gemma4.AI.Engine;

/// <summary>The media of one request: its spans in prompt order, and the prepared media that own their native chunks.</summary>
/// <remarks>The engine disposes it when the request leaves the decode loop (the decode thread may be encoding a chunk until then).</remarks>
internal sealed class MediaInput : IDisposable
{
    public static MediaInput Empty { get; } = new([], []);

    public MediaInput(IReadOnlyList<MediaSpan> spans, IReadOnlyList<PreparedMedia> owners)
    {
        Spans = spans;
        Owners = owners;
    }

    /// <summary>Media spans sorted by start position.</summary>
    public IReadOnlyList<MediaSpan> Spans { get; }

    public IReadOnlyList<PreparedMedia> Owners { get; }

    public bool IsEmpty => Spans.Count == 0;

    /// <summary>The span starting exactly at <paramref name="position"/>, or null.</summary>
    public MediaSpan? StartingAt(int position)
    {
        foreach (var span in Spans)
        {
            if (span.Start == position)
            {
                return span;
            }

            if (span.Start > position)
            {
                break;
            }
        }

        return null;
    }

    /// <summary>The start of the first span at or after <paramref name="position"/>, or <see cref="int.MaxValue"/>.</summary>
    public int NextStart(int position)
    {
        foreach (var span in Spans)
        {
            if (span.Start >= position)
            {
                return span.Start;
            }
        }

        return int.MaxValue;
    }

    public void Dispose()
    {
        foreach (var owner in Owners)
        {
            owner.Dispose();
        }
    }
}
