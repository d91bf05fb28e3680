using System.Buffers;
using System.Globalization;
using Gemma4.AspNet.OpenAI;
using Microsoft.Extensions.AI;

namespace Gemma4.AspNet;

/// <summary>
/// Fetches the image of an http(s) <c>image_url</c>, for servers started with <c>Server:AllowRemoteMedia</c> (off by
/// default: any client could make the server fetch any URL its network reaches). Bounded in size and time; every failure
/// is a 400 naming the field. The library itself never fetches URLs.
/// </summary>
internal sealed class RemoteMedia(IHttpClientFactory clients, ServerSettings settings)
{
    public const string HttpClientName = "Gemma4.AspNet.RemoteMedia";

    public async Task<DataContent> FetchImageAsync(Uri url, string field, CancellationToken cancellationToken)
    {
        var limit = settings.RemoteMediaMaxBytes;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.RemoteMediaTimeoutSeconds));
        var client = clients.CreateClient(HttpClientName);
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw Bad($"Fetching the image_url returned HTTP {(int)response.StatusCode} ({response.ReasonPhrase}).", field);
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType is null || !mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            {
                throw Bad($"The image_url returned '{mediaType ?? "no content type"}', not an image.", field);
            }

            if (response.Content.Headers.ContentLength > limit)
            {
                throw TooLarge(limit, field);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var body = new MemoryStream();
            var buffer = ArrayPool<byte>.Shared.Rent(81920);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
                {
                    if (body.Length + read > limit)
                    {
                        throw TooLarge(limit, field); // a server that sent no length, or a false one
                    }

                    body.Write(buffer, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return new DataContent(body.ToArray(), mediaType);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Bad(string.Create(CultureInfo.InvariantCulture, $"Fetching the image_url took longer than {settings.RemoteMediaTimeoutSeconds} s (Server:RemoteMediaTimeoutSeconds)."), field);
        }
        catch (HttpRequestException ex)
        {
            throw Bad($"The image_url could not be fetched: {ex.Message}", field);
        }
    }

    private static OpenAIRequestException TooLarge(long limit, string field) =>
        Bad(string.Create(CultureInfo.InvariantCulture, $"The image_url's image is larger than {limit:N0} bytes (Server:RemoteMediaMaxBytes)."), field);

    private static OpenAIRequestException Bad(string message, string field) => new(message, field, code: "invalid_image_url");
}
