using System.Text;
using System.Text.Json;

namespace Gemma4.AI.IntegrationTests.Samples;

/// <summary>Raw OpenAI wire requests and error bodies, for the ASP.NET sample's tests.</summary>
internal static class OpenAIWire
{
    public static Task<HttpResponseMessage> Post(HttpClient http, string path, string json) =>
        PostBytes(http, path, Encoding.UTF8.GetBytes(json));

    public static Task<HttpResponseMessage> PostBytes(HttpClient http, string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        return http.PostAsync(new Uri(path, UriKind.Relative), content);
    }

    /// <summary>The <c>error</c> object of an answer; fails when the body is not OpenAI's error envelope.</summary>
    public static async Task<JsonElement> Error(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"HTTP {(int)response.StatusCode} is not JSON: '{text}'");
        using var body = JsonDocument.Parse(text);
        var error = body.RootElement.GetProperty("error").Clone();
        Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
        return error;
    }
}
