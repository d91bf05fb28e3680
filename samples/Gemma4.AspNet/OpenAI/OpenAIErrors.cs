using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Gemma4.AspNet.OpenAI;

/// <summary>OpenAI's error envelope: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class OpenAIErrors
{
    /// <summary>Seconds a client should wait before retrying a 503 (a queue full of generations drains within seconds).</summary>
    public const int RetryAfterSeconds = 1;

    public static void Write(Utf8JsonWriter json, OpenAIError error)
    {
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", error.Message);
        json.WriteString("type", error.Type);
        json.WriteString("param", error.Param);
        json.WriteString("code", error.Code);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    public static Task WriteAsync(HttpResponse response, int statusCode, string message, string? param = null, string? code = null) =>
        WriteAsync(response, new OpenAIError(statusCode, message, param, code));

    public static async Task WriteAsync(HttpResponse response, OpenAIError error)
    {
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.Status == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await using var json = new Utf8JsonWriter(response.Body, WireJson.WriterOptions);
        Write(json, error);
    }

    /// <summary>
    /// Gives the answers no endpoint wrote (no route: 404; a route without this method: 405, with its Allow header) an
    /// error object too, so every error an OpenAI client reads has one.
    /// </summary>
    public static Task WriteStatusCodePageAsync(StatusCodeContext context)
    {
        var request = context.HttpContext.Request;
        var response = context.HttpContext.Response;
        var what = $"{request.Method} {request.Path}";
        return WriteAsync(response, response.StatusCode switch
        {
            404 => new OpenAIError(404, $"Unknown request URL: {what}. This server serves /v1/chat/completions, /v1/embeddings, /v1/models and /health.", Code: "unknown_url"),
            405 => new OpenAIError(405, $"{what} is not allowed; this URL accepts {response.Headers.Allow}."),
            var status => new OpenAIError(status, $"{what} failed with HTTP {status}."),
        });
    }
}
