using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gemma4.AspNet.OpenAI;

/// <summary>Writes <c>data: {json}</c> events, flushed one by one, and the closing <c>data: [DONE]</c>.</summary>
internal sealed class ServerSentEvents(HttpResponse response)
{
    private static readonly byte[] Prefix = "data: "u8.ToArray();
    private static readonly byte[] Separator = "\n\n"u8.ToArray();
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public static void Start(HttpResponse response)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // proxies must not hold tokens back
    }

    /// <summary>Sends the event <paramref name="write"/> produces, unless it returns false (nothing to send).</summary>
    public async Task WriteAsync(Func<Utf8JsonWriter, bool> write, CancellationToken cancellationToken)
    {
        _buffer.Clear();
        using (var json = new Utf8JsonWriter(_buffer, WireJson.WriterOptions))
        {
            if (!write(json))
            {
                return;
            }
        }

        await SendAsync(_buffer.WrittenMemory, cancellationToken);
    }

    public Task WriteDoneAsync(CancellationToken cancellationToken) => SendAsync(Encoding.ASCII.GetBytes("[DONE]"), cancellationToken);

    private async Task SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Prefix, cancellationToken);
        await response.Body.WriteAsync(data, cancellationToken);
        await response.Body.WriteAsync(Separator, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
