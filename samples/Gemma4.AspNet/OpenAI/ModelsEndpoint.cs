using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Gemma4.AspNet.OpenAI;

/// <summary><c>GET /v1/models</c>: the chat model and, when configured, the embedding model.</summary>
internal static class ModelsEndpoint
{
    public static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var ids = new List<string?>
        {
            services.GetRequiredService<IChatClient>().GetService<ChatClientMetadata>()?.DefaultModelId,
            services.GetService<IEmbeddingGenerator<string, Embedding<float>>>()?.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId,
        };

        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body, WireJson.WriterOptions);
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        foreach (var id in ids.OfType<string>().Distinct())
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("object", "model");
            json.WriteNumber("created", 0);
            json.WriteString("owned_by", "gemma4-ai");
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
