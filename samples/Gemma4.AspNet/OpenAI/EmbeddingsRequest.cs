using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gemma4.AspNet.OpenAI;

/// <summary>The body of <c>POST /v1/embeddings</c>.</summary>
internal sealed class EmbeddingsRequest
{
    /// <summary>A string or an array of strings (token arrays are not supported).</summary>
    [JsonPropertyName("input")] public JsonElement? Input { get; set; }

    [JsonPropertyName("model")] public string? Model { get; set; }

    /// <summary>"float" (default) or "base64" (little-endian float32; what the official OpenAI clients ask for).</summary>
    [JsonPropertyName("encoding_format")] public string? EncodingFormat { get; set; }

    [JsonPropertyName("dimensions")] public int? Dimensions { get; set; }
}
