using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Gemma4.AspNet.OpenAI;

/// <summary>OpenAI request settings to <see cref="ChatOptions"/>: sampling, limits, tools, tool_choice, response_format, reasoning.</summary>
internal static class ChatOptionsMapper
{
    private static readonly JsonElement EmptyParameters = JsonSerializer.Deserialize<JsonElement>("""{"type":"object","properties":{}}""");

    public static ChatOptions ToChatOptions(ChatCompletionRequest request)
    {
        if (request.N is not (null or 1))
        {
            throw new OpenAIRequestException($"Only n = 1 is supported; got {request.N}.", "n");
        }

        if (request.Logprobs == true)
        {
            throw new OpenAIRequestException("logprobs are not supported.", "logprobs");
        }

        var options = new ChatOptions
        {
            Temperature = request.Temperature,
            TopP = request.TopP,
            TopK = request.TopK,
            Seed = request.Seed,
            FrequencyPenalty = request.FrequencyPenalty,
            PresencePenalty = request.PresencePenalty,
            MaxOutputTokens = request.MaxCompletionTokens ?? request.MaxTokens,
            StopSequences = Stop(request.Stop),
            Tools = Tools(request.Tools),
            ToolMode = ToolMode(request.ToolChoice),
            AllowMultipleToolCalls = request.ParallelToolCalls,
            ResponseFormat = ResponseFormat(request.ResponseFormat),
            Reasoning = EnableThinking(request.ChatTemplateKwargs) ?? Reasoning(request.ReasoningEffort),
        };
        if (options.MaxOutputTokens is < 1)
        {
            var field = request.MaxCompletionTokens is not null ? "max_completion_tokens" : "max_tokens";
            throw new OpenAIRequestException($"{field} must be at least 1.", field);
        }

        if (options.ToolMode is RequiredChatToolMode { RequiredFunctionName: { } name } && options.Tools?.Any(t => t.Name == name) != true)
        {
            throw new OpenAIRequestException($"tool_choice names '{name}', which is not among the tools.", "tool_choice");
        }

        if (options.ToolMode is RequiredChatToolMode && options.Tools is null)
        {
            throw new OpenAIRequestException("tool_choice 'required' needs at least one tool in 'tools'.", "tool_choice");
        }

        return options;
    }

    private static List<string>? Stop(JsonElement? stop) => stop switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.String } s => [s.GetString()!],
        { ValueKind: JsonValueKind.Array } a when a.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => [.. a.EnumerateArray().Select(e => e.GetString()!)],
        _ => throw new OpenAIRequestException("'stop' must be a string or an array of strings.", "stop"),
    };

    private static List<AITool>? Tools(List<WireTool?>? tools)
    {
        if (tools is null || tools.Count == 0)
        {
            return null;
        }

        var result = new List<AITool>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            var param = WirePath.Index("tools", i);
            if (tool is null || tool.Type != "function" || tool.Function is null)
            {
                throw new OpenAIRequestException("Each tool must be {\"type\":\"function\",\"function\":{\"name\":…}}.", param);
            }

            if (tool.Function.Name is not { Length: > 0 } name)
            {
                throw new OpenAIRequestException("A function needs a name.", param + ".function.name");
            }

            if (tool.Function.Parameters is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) } parameters)
            {
                throw new OpenAIRequestException($"'parameters' must be a JSON Schema object; got {WireBody.Describe(parameters.ValueKind)}.", param + ".function.parameters");
            }

            // Declarations only: the caller runs its tools; this server never invokes anything. Gemma4.AI refuses names
            // that cannot round-trip through call:NAME{...} (a 400 naming "tools" and the tool).
            var schema = tool.Function.Parameters is { ValueKind: JsonValueKind.Object } p ? p : EmptyParameters;
            result.Add(AIFunctionFactory.CreateDeclaration(name, tool.Function.Description, schema));
        }

        return result;
    }

    private static ChatToolMode? ToolMode(JsonElement? choice)
    {
        if (choice is not { } c || c.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (c.ValueKind == JsonValueKind.String)
        {
            return c.GetString() switch
            {
                "none" => ChatToolMode.None,
                "auto" => ChatToolMode.Auto,
                "required" => ChatToolMode.RequireAny,
                var other => throw new OpenAIRequestException($"Unknown tool_choice '{other}' (none, auto, required, or a function).", "tool_choice"),
            };
        }

        if (c.ValueKind == JsonValueKind.Object && c.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
            && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && n.GetString() is { Length: > 0 } name)
        {
            return ChatToolMode.RequireSpecific(name);
        }

        throw new OpenAIRequestException("tool_choice must be none, auto, required or {\"type\":\"function\",\"function\":{\"name\":…}}.", "tool_choice");
    }

    private static ChatResponseFormatJson? ResponseFormat(WireResponseFormat? format) => format?.Type switch
    {
        null or "text" => null,
        "json_object" => ChatResponseFormat.Json,
        "json_schema" when format.JsonSchema?.Schema is { ValueKind: JsonValueKind.Object } schema =>
            ChatResponseFormat.ForJsonSchema(schema, format.JsonSchema.Name, format.JsonSchema.Description),
        "json_schema" => throw new OpenAIRequestException("response_format json_schema needs a json_schema.schema object.", "response_format"),
        var other => throw new OpenAIRequestException($"Unknown response_format type '{other}'.", "response_format"),
    };

    // vLLM's and llama-server's way: chat_template_kwargs.enable_thinking, the Gemma 4 template's own switch.
    private static ReasoningOptions? EnableThinking(Dictionary<string, JsonElement>? kwargs) =>
        kwargs is null || !kwargs.TryGetValue("enable_thinking", out var value) ? null
        : value.ValueKind switch
        {
            JsonValueKind.True => new ReasoningOptions { Effort = ReasoningEffort.Medium },
            JsonValueKind.False => new ReasoningOptions { Effort = ReasoningEffort.None },
            _ => throw new OpenAIRequestException("chat_template_kwargs.enable_thinking must be true or false.", "chat_template_kwargs.enable_thinking"),
        };

    private static ReasoningOptions? Reasoning(string? effort) => effort switch
    {
        null => null,
        "none" or "minimal" => new ReasoningOptions { Effort = ReasoningEffort.None },
        "low" => new ReasoningOptions { Effort = ReasoningEffort.Low },
        "medium" => new ReasoningOptions { Effort = ReasoningEffort.Medium },
        "high" => new ReasoningOptions { Effort = ReasoningEffort.High },
        _ => throw new OpenAIRequestException($"Unknown reasoning_effort '{effort}' (none, minimal, low, medium, high).", "reasoning_effort"),
    };
}
