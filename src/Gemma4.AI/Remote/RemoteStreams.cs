using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Gemma4.AI.Remote;

/// <summary>
/// Reads a streamed response into JSON chunks: server-sent events (<c>data:</c> lines, ending at <c>[DONE]</c> or at the
/// end of the body; an <c>error:</c> field is an error chunk) or NDJSON lines. A body that is not a stream at all (an engine that ignored <c>stream: true</c>) is
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
        var lines = contentType.Contains("event-stream", StringComparison.OrdinalIgnoreCase)
            || contentType.Contains("ndjson", StringComparison.OrdinalIgnoreCase)
            || (streamed && transport.Dialect.StreamsNdjson);
        using var reader = lines ? new StreamReader(stream) : null;
        var source = reader is not null ? Events(reader, cancellationToken) : Whole(stream, cancellationToken);

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

    // One reader for both stream formats, line by line: server-sent events ("data:" lines up to a blank line, comments
    // and other fields skipped) and NDJSON (a bare JSON line). SseParser is not used because it drops the "error:"
    // field that llama-server builds before the tools/server refactor wrote a mid-stream error in.
    private static async IAsyncEnumerable<string> Events(TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StringBuilder? data = null;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (FieldValue(line, "data") is { } value)
            {
                data ??= new StringBuilder(value.Length);
                data.Append(data.Length > 0 ? "\n" : string.Empty).Append(value);
                continue;
            }

            if (line.Length > 0 && (line[0] == ':' || FieldValue(line, "event") is not null || FieldValue(line, "id") is not null || FieldValue(line, "retry") is not null))
            {
                continue;
            }

            // A blank line ends the event being collected; so does an "error:" field or an NDJSON line, which are chunks too.
            var pending = Flush(ref data);
            var chunk = line.Length == 0 ? null : FieldValue(line, "error") is { } error ? ErrorChunk(error) : line;
            if (pending is not null)
            {
                if (IsDone(pending))
                {
                    yield break;
                }

                yield return pending;
            }

            if (chunk is not null)
            {
                if (IsDone(chunk))
                {
                    yield break;
                }

                yield return chunk;
            }
        }

        if (Flush(ref data) is { } last && !IsDone(last))
        {
            yield return last;
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

        await foreach (var chunk in Events(new StringReader(text), cancellationToken).ConfigureAwait(false))
        {
            yield return chunk;
        }
    }

    // The value of an SSE field ("data: x" or "data:x"; one space after the colon is not part of it); null for other lines.
    private static string? FieldValue(string line, string name)
    {
        if (line.Length <= name.Length || line[name.Length] != ':' || !line.StartsWith(name, StringComparison.Ordinal))
        {
            return null;
        }

        var start = name.Length + 1;
        return line.Length > start && line[start] == ' ' ? line[(start + 1)..] : line[start..];
    }

    private static string? Flush(ref StringBuilder? data)
    {
        var text = data?.ToString();
        data = null;
        return text;
    }

    private static bool IsDone(string data) => data.AsSpan().Trim().SequenceEqual("[DONE]");

    // An "error:" field's value as the error chunk the client recognises: {"error": value}.
    private static string ErrorChunk(string value) =>
        "{\"error\":" + (Parse(value) is not null ? value : JsonSerializer.Serialize(value, RemoteJson.WriteOptions.GetTypeInfo(typeof(string)))) + "}";
}
