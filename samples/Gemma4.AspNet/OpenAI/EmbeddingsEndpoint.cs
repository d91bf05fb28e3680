using System.Runtime.InteropServices;
using System.Text.Json;
using Gemma4.AI;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Gemma4.AspNet.OpenAI;

/// <summary><c>POST /v1/embeddings</c> in the OpenAI wire format.</summary>
internal static class EmbeddingsEndpoint
{
    private const int MaxInputs = 2048; // OpenAI's own limit per request

    public static async Task HandleAsync(HttpContext context, IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        var cancellationToken = context.RequestAborted;
        var request = await WireBody.ReadAsync<EmbeddingsRequest>(context.Request, cancellationToken);
        var inputs = Inputs(request.Input);
        var base64 = request.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            var other => throw new OpenAIRequestException($"Unknown encoding_format '{other}' (float or base64).", "encoding_format"),
        };

        var width = generator.GetService<Gemma4EmbeddingGenerator>()?.ModelDimensions;
        if (request.Dimensions is < 1 || request.Dimensions > width)
        {
            throw new OpenAIRequestException($"'dimensions' must be between 1 and the model's width {width}; got {request.Dimensions}.", "dimensions");
        }

        var embeddings = await generator.GenerateAsync(inputs, new EmbeddingGenerationOptions { Dimensions = request.Dimensions }, cancellationToken);

        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body, WireJson.WriterOptions);
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        for (var i = 0; i < embeddings.Count; i++)
        {
            json.WriteStartObject();
            json.WriteString("object", "embedding");
            json.WriteNumber("index", i);
            var vector = embeddings[i].Vector.Span;
            if (base64)
            {
                json.WriteBase64String("embedding", MemoryMarshal.AsBytes(vector));
            }
            else
            {
                json.WriteStartArray("embedding");
                foreach (var value in vector)
                {
                    json.WriteNumberValue(value);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("model", embeddings.FirstOrDefault()?.ModelId ?? generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", embeddings.Usage?.InputTokenCount ?? 0);
        json.WriteNumber("total_tokens", embeddings.Usage?.TotalTokenCount ?? 0);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static List<string> Inputs(JsonElement? input)
    {
        List<string> inputs = input switch
        {
            { ValueKind: JsonValueKind.String } s => [s.GetString()!],
            { ValueKind: JsonValueKind.Array } a when a.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => [.. a.EnumerateArray().Select(e => e.GetString()!)],
            { ValueKind: JsonValueKind.Array } => throw new OpenAIRequestException("'input' must be a string or an array of strings (token arrays are not supported).", "input"),
            _ => throw new OpenAIRequestException("'input' is required: a string or an array of strings.", "input"),
        };
        if (inputs.Count is 0 or > MaxInputs)
        {
            throw new OpenAIRequestException($"'input' must hold 1 to {MaxInputs} strings; got {inputs.Count}.", "input");
        }

        // OpenAI refuses empty strings too: an empty text has no meaning to embed.
        var empty = inputs.IndexOf(string.Empty);
        return empty < 0 ? inputs
            : input!.Value.ValueKind == JsonValueKind.Array
                ? throw new OpenAIRequestException($"'input' must not contain empty strings; item {empty} is empty.", WirePath.Index("input", empty))
                : throw new OpenAIRequestException("'input' must not be an empty string.", "input");
    }
}
