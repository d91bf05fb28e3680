using System.Security.Cryptography;
using System.Text;
using Gemma4.AspNet.OpenAI;
using Microsoft.AspNetCore.Http;

namespace Gemma4.AspNet;

/// <summary>When an API key is configured, <c>/v1</c> requests must send <c>Authorization: Bearer KEY</c>.</summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ServerSettings settings)
{
    private readonly byte[]? _key = string.IsNullOrEmpty(settings.ApiKey) ? null : Encoding.UTF8.GetBytes(settings.ApiKey);

    public async Task InvokeAsync(HttpContext context)
    {
        if (_key is null || !context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()) : [];
        if (!CryptographicOperations.FixedTimeEquals(given, _key))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await OpenAIErrors.WriteAsync(context.Response, 401, "Missing or invalid API key: send Authorization: Bearer <key>.", code: "invalid_api_key");
            return;
        }

        await next(context);
    }
}
