using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gemma4.AspNet.OpenAI;

/// <summary>The body of <c>POST /v1/chat/completions</c> (the OpenAI Chat Completions wire format; unknown fields are ignored).</summary>
internal sealed class ChatCompletionRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }

    [JsonPropertyName("messages")] public List<WireMessage?>? Messages { get; set; }

    [JsonPropertyName("tools")] public List<WireTool?>? Tools { get; set; }

    /// <summary>"none", "auto", "required", or {"type":"function","function":{"name":…}}.</summary>
    [JsonPropertyName("tool_choice")] public JsonElement? ToolChoice { get; set; }

    [JsonPropertyName("parallel_tool_calls")] public bool? ParallelToolCalls { get; set; }

    [JsonPropertyName("response_format")] public WireResponseFormat? ResponseFormat { get; set; }

    [JsonPropertyName("temperature")] public float? Temperature { get; set; }

    [JsonPropertyName("top_p")] public float? TopP { get; set; }

    /// <summary>Not OpenAI's, but llama.cpp's server accepts it too.</summary>
    [JsonPropertyName("top_k")] public int? TopK { get; set; }

    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; set; }

    [JsonPropertyName("max_completion_tokens")] public int? MaxCompletionTokens { get; set; }

    /// <summary>A string or an array of strings.</summary>
    [JsonPropertyName("stop")] public JsonElement? Stop { get; set; }

    [JsonPropertyName("seed")] public long? Seed { get; set; }

    [JsonPropertyName("frequency_penalty")] public float? FrequencyPenalty { get; set; }

    [JsonPropertyName("presence_penalty")] public float? PresencePenalty { get; set; }

    /// <summary>"none"/"minimal" keep Gemma's thinking off; "low", "medium", "high" turn it on.</summary>
    [JsonPropertyName("reasoning_effort")] public string? ReasoningEffort { get; set; }

    /// <summary>vLLM's and llama-server's switches for the chat template; <c>enable_thinking</c> (true/false) turns Gemma's thinking on or off and wins over reasoning_effort.</summary>
    [JsonPropertyName("chat_template_kwargs")] public Dictionary<string, JsonElement>? ChatTemplateKwargs { get; set; }

    [JsonPropertyName("n")] public int? N { get; set; }

    [JsonPropertyName("logprobs")] public bool? Logprobs { get; set; }

    [JsonPropertyName("stream")] public bool? Stream { get; set; }

    [JsonPropertyName("stream_options")] public WireStreamOptions? StreamOptions { get; set; }
}

/// <summary>One message: <c>content</c> is a string, null, or an array of parts.</summary>
internal sealed class WireMessage
{
    [JsonPropertyName("role")] public string? Role { get; set; }

    [JsonPropertyName("content")] public JsonElement? Content { get; set; }

    [JsonPropertyName("reasoning_content")] public string? ReasoningContent { get; set; }

    /// <summary>The same, under the name vLLM (and Ollama's /v1) use.</summary>
    [JsonPropertyName("reasoning")] public string? Reasoning { get; set; }

    [JsonPropertyName("tool_calls")] public List<WireToolCall?>? ToolCalls { get; set; }

    [JsonPropertyName("tool_call_id")] public string? ToolCallId { get; set; }
}

internal sealed class WireToolCall
{
    [JsonPropertyName("id")] public string? Id { get; set; }

    [JsonPropertyName("type")] public string? Type { get; set; }

    [JsonPropertyName("function")] public WireFunctionCall? Function { get; set; }
}

internal sealed class WireFunctionCall
{
    [JsonPropertyName("name")] public string? Name { get; set; }

    /// <summary>The arguments as a JSON text (an object).</summary>
    [JsonPropertyName("arguments")] public string? Arguments { get; set; }
}

internal sealed class WireTool
{
    [JsonPropertyName("type")] public string? Type { get; set; }

    [JsonPropertyName("function")] public WireFunction? Function { get; set; }
}

internal sealed class WireFunction
{
    [JsonPropertyName("name")] public string? Name { get; set; }

    [JsonPropertyName("description")] public string? Description { get; set; }

    [JsonPropertyName("parameters")] public JsonElement? Parameters { get; set; }
}

internal sealed class WireResponseFormat
{
    /// <summary>"text", "json_object" or "json_schema".</summary>
    [JsonPropertyName("type")] public string? Type { get; set; }

    [JsonPropertyName("json_schema")] public WireJsonSchema? JsonSchema { get; set; }
}

internal sealed class WireJsonSchema
{
    [JsonPropertyName("name")] public string? Name { get; set; }

    [JsonPropertyName("description")] public string? Description { get; set; }

    [JsonPropertyName("schema")] public JsonElement? Schema { get; set; }
}

internal sealed class WireStreamOptions
{
    [JsonPropertyName("include_usage")] public bool? IncludeUsage { get; set; }
}
