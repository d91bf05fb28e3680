using System.ClientModel.Primitives;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Gemma4.AI.Remote;

/// <summary>
/// Reads a streamed response into JSON chunks: server-sent events (<c>data:</c> lines, ending at <c>[DONE]</c> or at the
/// end of the body) or NDJSON lines. A body that is not a stream at all (an engine that ignored <c>stream: true</c>) is
/// read as one chunk. Chunks that are not JSON are skipped; a broken connection or a read that times out throws
/// <see cref="Gemma4RemoteException"/>.
/// </summary>
internal static class RemoteStreams
{
    /// <summary>The response's JSON chunks.</summary>
    /// <param name="response">The engine's answer.</param>
    /// <param name="transport">The transport it came through (for messages).</param>
    /// <param name="uri">The address it came from (for messages).</param>
    /// <param name="streamed">Whether a stream was asked for: an NDJSON engine's lines are then read as they arrive.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public static async IAsyncEnumerable<JsonElement> ReadAsync(
        PipelineResponse response, RemoteTransport transport, Uri uri, bool streamed, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var contentType = response.Headers.TryGetValue("Content-Type", out var type) ? type ?? string.Empty : string.Empty;
        var stream = response.ContentStream ?? Stream.Null;
        var source = contentType.Contains("event-stream", StringComparison.OrdinalIgnoreCase) ? Events(stream, cancellationToken)
            : contentType.Contains("ndjson", StringComparison.OrdinalIgnoreCase) || (streamed && transport.Dialect.StreamsNdjson) ? Lines(stream, cancellationToken)
            : Whole(stream, cancellationToken);

        await using var chunks = source.GetAsyncEnumerator(cancellationToken);
        var count = 0;
        while (true)
        {
            // Chunks already buffered are not delivered once the caller has cancelled.
            cancellationToken.ThrowIfCancellationRequested();
            string? data;
            try
            {
                if (!await chunks.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }

                data = chunks.Current;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && transport.Describe(ex) is { } what)
            {
                throw new Gemma4RemoteException(
                    $"{transport.Dialect.DisplayName} at {uri} {what.TrimEnd('.')} after {count} chunk(s) of a streamed answer; the answer is incomplete.",
                    transport.Dialect.Engine, uri, innerException: ex);
            }

            count++;
            if (Parse(data) is { } chunk)
            {
                yield return chunk;
            }
        }
    }

    /// <summary>The JSON in one chunk; null for empty or non-JSON data (keep-alives, comments).</summary>
    private static JsonElement? Parse(string data)
    {
        if (string.IsNullOrWhiteSpace(data))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(data);
            return json.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async IAsyncEnumerable<string> Events(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item.Data.AsSpan().Trim().SequenceEqual("[DONE]"))
            {
                yield break;
            }

            yield return item.Data;
        }
    }

    private static async IAsyncEnumerable<string> Lines(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (Line(line) is not { } text)
            {
                yield break;
            }

            yield return text;
        }
    }

    // One JSON document; failing that (a stream sent without its content type), its lines as events or NDJSON.
    private static async IAsyncEnumerable<string> Whole(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        if (Parse(text) is not null || !text.Contains('\n', StringComparison.Ordinal))
        {
            yield return text;
            yield break;
        }

        foreach (var line in text.Split('\n'))
        {
            if (Line(line) is not { } data)
            {
                yield break;
            }

            yield return data;
        }
    }

    // A line's data (an SSE "data:" prefix tolerated); null at [DONE].
    private static string? Line(string line)
    {
        var text = line.StartsWith("data:", StringComparison.Ordinal) ? line[5..] : line;
        return text.AsSpan().Trim().SequenceEqual("[DONE]") ? null : text;
    }
}
