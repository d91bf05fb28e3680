using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Gemma4.AspNet.OpenAI;

/// <summary>
/// Reads a JSON request body: parsed once, every string and key checked (<see cref="WireText"/>), then bound to the
/// request type with ASP.NET Core's JSON options. Malformed, oversized or unreadable bodies become OpenAI-style errors.
/// </summary>
internal static class WireBody
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            throw new OpenAIRequestException($"Send the body as application/json (got '{request.ContentType}').", statusCode: 415);
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new OpenAIRequestException($"The request body is not valid JSON: {ex.Message}");
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's MaxRequestBodySize (413) and malformed framing.
            throw new OpenAIRequestException(ex.Message, statusCode: ex.StatusCode);
        }

        using (document)
        {
            WireText.EnsureValid(document.RootElement, null);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new OpenAIRequestException($"The request body must be a JSON object; got {Describe(document.RootElement.ValueKind)}.");
            }

            try
            {
                var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
                return document.RootElement.Deserialize<T>(options)!;
            }
            catch (JsonException ex)
            {
                // A wrong type names its field ("$.messages[0].content" → messages[0].content), as OpenAI's param does.
                var param = WirePath.FromJsonPath(ex.Path);
                var reason = ex.Message.Split(" Path: ", 2)[0];
                throw new OpenAIRequestException(param is null ? $"The request body does not fit this endpoint: {reason}" : $"Invalid type or value for '{param}': {reason}", param);
            }
        }
    }

    /// <summary>A JSON kind as a message says it ("a string", "an array").</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
