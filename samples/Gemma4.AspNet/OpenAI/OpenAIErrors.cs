using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gemma4.AspNet.OpenAI;

/// <summary>OpenAI's error envelope: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class OpenAIErrors
{
    public static void Write(Utf8JsonWriter json, string message, string type, string? param = null, string? code = null)
    {
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", message);
        json.WriteString("type", type);
        json.WriteString("param", param);
        json.WriteString("code", code);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    public static async Task WriteAsync(HttpResponse response, int statusCode, string message, string? param = null, string? code = null)
    {
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(response.Body, WireJson.WriterOptions);
        Write(json, message, statusCode >= 500 ? "server_error" : statusCode == 401 ? "authentication_error" : "invalid_request_error", param, code);
    }
}
