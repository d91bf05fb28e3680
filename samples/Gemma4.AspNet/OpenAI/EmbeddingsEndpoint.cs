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

        GeneratedEmbeddings<Embedding<float>> embeddings;
        try
        {
            embeddings = await generator.GenerateAsync(inputs, new EmbeddingGenerationOptions { Dimensions = request.Dimensions }, cancellationToken);
        }
        catch (Gemma4EmbeddingInputTooLongException ex)
        {
            throw new OpenAIRequestException(ex.Message, "input", code: "context_length_exceeded");
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new OpenAIRequestException(ex.Message, "dimensions");
        }

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
        return inputs.Count is 0 or > MaxInputs
            ? throw new OpenAIRequestException($"'input' must hold 1 to {MaxInputs} strings; got {inputs.Count}.", "input")
            : inputs;
    }
}
