using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Formatting;

/// <summary>Loads Golden/cases.json and Golden/expected.json and turns cases into MEAI messages and options.</summary>
internal static class GoldenCases
{
    private static readonly Lazy<JsonElement> Cases = new(() => Load("cases.json").GetProperty("cases"));
    private static readonly Lazy<JsonElement> Expected = new(() => Load("expected.json"));

    public static JsonElement ExpectedDocument => Expected.Value;

    /// <summary>(case name, variant) for every expected prompt.</summary>
    public static IEnumerable<(string Name, string Variant)> All() =>
        Expected.Value.GetProperty("cases").EnumerateObject()
            .SelectMany(c => c.Value.EnumerateObject().Select(v => (c.Name, v.Name)));

    public static string ExpectedText(string name, string variant) =>
        Expected.Value.GetProperty("cases").GetProperty(name).GetProperty(variant).GetString()!;

    public static JsonElement Case(string name) =>
        Cases.Value.EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static IReadOnlyList<string> CaseNames() =>
        Cases.Value.EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();

    public static List<ChatMessage> Messages(JsonElement testCase) =>
        testCase.GetProperty("messages").EnumerateArray().Select(ToMessage).ToList();

    public static ChatOptions? Options(JsonElement testCase)
    {
        if (!testCase.TryGetProperty("options", out var o))
        {
            return null;
        }

        var options = new ChatOptions();
        if (o.TryGetProperty("instructions", out var instructions))
        {
            options.Instructions = instructions.GetString();
        }

        if (o.TryGetProperty("reasoningEffort", out var effort))
        {
            options.Reasoning = new ReasoningOptions { Effort = Enum.Parse<ReasoningEffort>(effort.GetString()!, ignoreCase: true) };
        }

        if (o.TryGetProperty("tools", out var tools))
        {
            options.Tools = tools.EnumerateArray().Select(ToTool).ToList();
        }

        return options;
    }

    public static bool AddGenerationPrompt(JsonElement testCase) =>
        !testCase.TryGetProperty("addGenerationPrompt", out var v) || v.GetBoolean();

    public static bool PreserveThinking(JsonElement testCase) =>
        testCase.TryGetProperty("preserveThinking", out var v) && v.GetBoolean();

    private static AITool ToTool(JsonElement tool)
    {
        var schema = tool.TryGetProperty("parameters", out var p) ? p.Clone() : JsonDocument.Parse("{}").RootElement.Clone();
        var description = tool.TryGetProperty("description", out var d) ? d.GetString() : null;
        return AIFunctionFactory.CreateDeclaration(tool.GetProperty("name").GetString()!, description, schema);
    }

    private static ChatMessage ToMessage(JsonElement message)
    {
        var contents = message.TryGetProperty("contents", out var c) ? c.EnumerateArray().Select(ToContent).ToList() : [];
        return new ChatMessage(new ChatRole(message.GetProperty("role").GetString()!), contents);
    }

    private static AIContent ToContent(JsonElement content) => content.GetProperty("type").GetString() switch
    {
        "text" => new TextContent(content.GetProperty("text").GetString()),
        "reasoning" => new TextReasoningContent(content.GetProperty("text").GetString()),
        "functionCall" => new FunctionCallContent(
            content.GetProperty("callId").GetString()!,
            content.GetProperty("name").GetString()!,
            content.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.Object
                ? a.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone())
                : null),
        "functionResult" => new FunctionResultContent(content.GetProperty("callId").GetString()!, ToResult(content)),
        "data" => new DataContent(new byte[] { 1, 2, 3 }, content.GetProperty("mediaType").GetString()!),
        "uri" => new UriContent(content.GetProperty("uri").GetString()!, content.GetProperty("mediaType").GetString()!),
        var type => throw new InvalidOperationException($"Unknown content type {type}."),
    };

    // A JSON string result is passed as a .NET string (as functions usually return); anything else as JSON.
    private static object? ToResult(JsonElement content) =>
        !content.TryGetProperty("result", out var r) || r.ValueKind == JsonValueKind.Null ? null
        : r.ValueKind == JsonValueKind.String ? r.GetString()
        : r.Clone();

    private static JsonElement Load(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Golden", file);
        using var stream = File.OpenRead(path);
        return JsonDocument.Parse(stream).RootElement.Clone();
    }
}
