using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gemma4.AspNet.OpenAI;

/// <summary>Reads a JSON request body, turning malformed or oversized bodies into OpenAI-style errors.</summary>
internal static class WireBody
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await request.ReadFromJsonAsync<T>(cancellationToken)
                ?? throw new OpenAIRequestException("The request body is empty; send a JSON object.");
        }
        catch (JsonException ex)
        {
            // A wrong type names its field ("$.messages[0].content" → messages[0].content), as OpenAI's param does.
            var param = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
            throw new OpenAIRequestException($"The request body is not valid JSON for this endpoint: {ex.Message}", param);
        }
        catch (InvalidOperationException ex) when (!request.HasJsonContentType())
        {
            throw new OpenAIRequestException($"Send the body as application/json ({ex.Message}).", statusCode: 415);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's MaxRequestBodySize (413) and malformed framing.
            throw new OpenAIRequestException(ex.Message, statusCode: ex.StatusCode);
        }
    }
}
