using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Remote.Replay;

/// <summary>Builds the MEAI call a transcript's <c>call</c> section describes (see Remote/Transcripts/README.md).</summary>
public static class TranscriptCall
{
    public static List<ChatMessage> Messages(JsonObject call)
    {
        var messages = new List<ChatMessage>();
        foreach (var node in call["messages"] as JsonArray ?? [])
        {
            var m = (JsonObject)node!;
            var role = new ChatRole(m["role"]!.GetValue<string>());
            var contents = new List<AIContent>();
            if (m["reasoning"]?.GetValue<string>() is { } reasoning)
            {
                contents.Add(new TextReasoningContent(reasoning));
            }

            if (m["content"]?.GetValue<string>() is { } text)
            {
                contents.Add(new TextContent(text));
            }

            foreach (var call2 in m["toolCalls"] as JsonArray ?? [])
            {
                contents.Add(new FunctionCallContent(call2!["id"]!.GetValue<string>(), call2["name"]!.GetValue<string>(), Arguments(call2["arguments"])));
            }

            foreach (var result in m["results"] as JsonArray ?? [])
            {
                contents.Add(new FunctionResultContent(result!["callId"]!.GetValue<string>(), ToObject(result["result"])));
            }

            messages.Add(new ChatMessage(role, contents));
        }

        return messages;
    }

    public static ChatOptions? Options(JsonObject call)
    {
        if (call["options"] is not JsonObject o)
        {
            return null;
        }

        var options = new ChatOptions
        {
            Instructions = o["instructions"]?.GetValue<string>(),
            Temperature = o["temperature"]?.GetValue<float>(),
            TopP = o["topP"]?.GetValue<float>(),
            TopK = o["topK"]?.GetValue<int>(),
            MaxOutputTokens = o["maxOutputTokens"]?.GetValue<int>(),
            Seed = o["seed"]?.GetValue<long>(),
            ModelId = o["modelId"]?.GetValue<string>(),
            AllowMultipleToolCalls = o["allowMultipleToolCalls"]?.GetValue<bool>(),
            StopSequences = o["stop"] is JsonArray stops ? [.. stops.Select(static s => s!.GetValue<string>())] : null,
        };
        if (o["reasoning"]?.GetValue<string>() is { } effort)
        {
            options.Reasoning = new ReasoningOptions { Effort = Enum.Parse<ReasoningEffort>(effort, ignoreCase: true) };
        }

        if (o["tools"] is JsonArray tools)
        {
            options.Tools = [.. tools.Select(static t => (AITool)AIFunctionFactory.CreateDeclaration(
                t!["name"]!.GetValue<string>(), t["description"]?.GetValue<string>(), JsonSerializer.SerializeToElement(t["parameters"])))];
        }

        options.ToolMode = o["toolMode"]?.GetValue<string>() switch
        {
            null => null,
            "auto" => ChatToolMode.Auto,
            "none" => ChatToolMode.None,
            "required" => ChatToolMode.RequireAny,
            var name => ChatToolMode.RequireSpecific(name),
        };
        options.ResponseFormat = o["responseFormat"] switch
        {
            null => null,
            JsonValue v when v.GetValue<string>() == "json" => ChatResponseFormat.Json,
            JsonObject f => ChatResponseFormat.ForJsonSchema(JsonSerializer.SerializeToElement(f["schema"]), f["name"]?.GetValue<string>(), f["description"]?.GetValue<string>()),
            var other => throw new InvalidDataException($"responseFormat must be \"json\" or {{schema, name}}; got {other.ToJsonString()}"),
        };
        return options;
    }

    private static Dictionary<string, object?> Arguments(JsonNode? node) =>
        node is JsonObject o ? o.ToDictionary(static p => p.Key, static p => ToObject(p.Value)) : [];

    private static object? ToObject(JsonNode? node) => node is null ? null : JsonSerializer.SerializeToElement(node) is var e && e.ValueKind == JsonValueKind.String ? e.GetString() : JsonSerializer.SerializeToElement(node);
}
