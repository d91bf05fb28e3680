using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Gemma4.AspNet.OpenAI;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the chat model and, when configured, the embedding model.</summary>
internal static class ModelsEndpoint
{
    public static async Task ListAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body, WireJson.WriterOptions);
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        foreach (var id in Ids(context.RequestServices))
        {
            WriteModel(json, id);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static async Task RetrieveAsync(HttpContext context, string id)
    {
        if (!Ids(context.RequestServices).Contains(id, StringComparer.Ordinal))
        {
            throw new OpenAIRequestException($"The model '{id}' does not exist.", "model", 404, "model_not_found");
        }

        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body, WireJson.WriterOptions);
        WriteModel(json, id);
    }

    private static IEnumerable<string> Ids(IServiceProvider services) => new[]
    {
        services.GetRequiredService<IChatClient>().GetService<ChatClientMetadata>()?.DefaultModelId,
        services.GetService<IEmbeddingGenerator<string, Embedding<float>>>()?.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId,
    }.OfType<string>().Distinct(StringComparer.Ordinal);

    private static void WriteModel(Utf8JsonWriter json, string id)
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", "model");
        json.WriteNumber("created", 0);
        json.WriteString("owned_by", "gemma4-ai");
        json.WriteEndObject();
    }
}
