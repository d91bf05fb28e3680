using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Remote;

/// <summary>
/// The OpenAI Chat Completions and Embeddings wire format that vLLM, llama-server and OpenAI-compatible servers share;
/// each engine's dialect fills in how thinking is switched, which field carries reasoning back, and its extras.
/// </summary>
/// <remarks>
/// <para>Request (strict: only fields the caller set, in the engine's names):</para>
/// <list type="table">
/// <item><term>Instructions</term><description>a first <c>system</c> message</description></item>
/// <item><term>messages</term><description>system/user text (image <c>image_url</c> and audio <c>input_audio</c> parts);
/// assistant text, <c>tool_calls</c> (arguments as JSON text) and reasoning (the engine's field, for the messages the
/// template keeps: after the last user message); one <c>tool</c> message per result.</description></item>
/// <item><term>Tools / ToolMode</term><description><c>tools</c> + <c>tool_choice</c> auto / required / {function};
/// ToolMode None sends no tools (the local template renders none either); AllowMultipleToolCalls → parallel_tool_calls</description></item>
/// <item><term>ResponseFormat</term><description><c>response_format</c> json_object, or json_schema {name, description, schema}</description></item>
/// <item><term>sampling</term><description>temperature, top_p, top_k, max_tokens, seed, stop, frequency/presence penalties</description></item>
/// </list>
/// <para>Response (lenient): reasoning from <c>reasoning_content</c>, <c>reasoning</c> or <c>thinking</c>, whichever
/// is there; content through the Gemma 4 parser; tool-call fragments joined by index; usage from any chunk (the last
/// wins), cached tokens from <c>prompt_tokens_details</c> or llama-server's <c>timings.cache_n</c>; unknown fields ignored.</para>
/// </remarks>
internal abstract class OpenAIChatDialect : RemoteDialect
{
    // The reasoning fields engines answer with, in the order they are read: llama-server/DeepSeek, vLLM/Ollama /v1, others.
    private static readonly string[] ReasoningFields = ["reasoning_content", "reasoning", "thinking"];

    public override bool StreamsNdjson => false;

    /// <summary>The assistant-message field reasoning is sent back in.</summary>
    protected abstract string HistoryReasoningField { get; }

    /// <summary>Whether the engine takes <c>dimensions</c> on embeddings (otherwise vectors are cut client-side).</summary>
    protected abstract bool TakesDimensions { get; }

    /// <summary>Writes the thinking switch for <paramref name="options"/>.</summary>
    protected abstract void WriteThinking(JsonObject body, ChatOptions? options, bool preserveThinking);

    /// <summary>The field of <see cref="Gemma4GenerationOptions.RepeatPenalty"/> (and, with it, <c>min_p</c>); null for engines that take neither.</summary>
    protected virtual string? RepeatPenaltyField => null;

    /// <summary>Writes settings beyond OpenAI's: <c>min_p</c> and the repetition penalty where the engine takes them.</summary>
    protected virtual void WriteExtras(JsonObject body, Gemma4GenerationOptions generation)
    {
        if (RepeatPenaltyField is { } repeat)
        {
            RemoteJson.AddIfSet(body, "min_p", generation.MinP);
            RemoteJson.AddIfSet(body, repeat, generation.RepeatPenalty);
        }
    }

    public override JsonObject ToChatRequest(RemoteChatRequest request) => ToOpenAIRequest(request, this);

    public override void ReadChunk(JsonElement chunk, RemoteTurn turn, List<AIContent> contents) => FromOpenAIChunk(chunk, turn, contents);

    public override void ReadCompletion(JsonElement body, RemoteTurn turn, List<AIContent> contents) => FromOpenAIChunk(body, turn, contents);

    public override JsonObject ToEmbeddingsRequest(IReadOnlyList<string> inputs, string model, int? dimensions, bool truncate)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["input"] = RemoteJson.Strings(inputs),
            ["encoding_format"] = "float",
        };
        if (dimensions is { } d && TakesDimensions)
        {
            body["dimensions"] = d;
        }

        return body;
    }

    public override RemoteEmbeddings ReadEmbeddings(JsonElement body) => FromOpenAIEmbeddings(body);

    public override async Task<RemoteServerInfo> ProbeAsync(RemoteTransport transport, string? model, CancellationToken cancellationToken)
    {
        var ids = await ListModelsAsync(transport, cancellationToken).ConfigureAwait(false);
        return new RemoteServerInfo(ChooseModel(transport, model, ids), $"{DisplayName} at {transport.BaseAddress} serves {string.Join(", ", ids)}");
    }

    /// <summary>The ids <c>GET /v1/models</c> lists.</summary>
    protected static async Task<List<string>> ListModelsAsync(RemoteTransport transport, CancellationToken cancellationToken)
    {
        using var response = await transport.SendAsync("models", body: null, stream: false, cancellationToken).ConfigureAwait(false);
        using var json = RemoteJson.ParseBody(response.Content, transport.Dialect, transport.BaseAddress);
        var ids = new List<string>();
        if (json.RootElement.TryArray("data", out var data) || json.RootElement.TryArray("models", out data))
        {
            foreach (var entry in data.EnumerateArray())
            {
                if (entry.FirstString("id", "model", "name") is { } id)
                {
                    ids.Add(id);
                }
            }
        }

        return ids;
    }

    /// <summary>The configured model when listed (or the only one listed, for engines that ignore the name); throws when missing.</summary>
    protected virtual string ChooseModel(RemoteTransport transport, string? model, List<string> ids)
    {
        if (model is null)
        {
            return ids.Count > 0 ? ids[0] : throw new Gemma4RemoteException(
                $"{DisplayName} at {transport.BaseAddress} lists no models at /models; set Gemma4:Remote:Model.", Engine, transport.BaseAddress);
        }

        return ids.Contains(model, StringComparer.Ordinal) ? model : throw ModelMissing(transport, model, ids);
    }

    protected Gemma4RemoteException ModelMissing(RemoteTransport transport, string model, List<string> ids) => new(
        $"{DisplayName} at {transport.BaseAddress} does not serve the model '{model}' (Gemma4:Remote:Model); it serves " +
        (ids.Count == 0 ? "none." : string.Join(", ", ids.Select(static i => $"'{i}'")) + "."),
        Engine, transport.BaseAddress, System.Net.HttpStatusCode.NotFound) { ErrorCode = "model_not_found" };

    internal static JsonObject ToOpenAIRequest(RemoteChatRequest request, OpenAIChatDialect dialect)
    {
        var body = request.Body;
        var options = request.Options;
        var generation = request.Generation;
        body.TryAdd("model", request.Model);
        body.TryAdd("messages", ToOpenAIMessages(request.Messages, options, dialect.HistoryReasoningField, request.PreserveThinking));
        if (request.Stream)
        {
            body.TryAdd("stream", true);
            body.TryAdd("stream_options", new JsonObject { ["include_usage"] = true });
        }
        else
        {
            body.TryAdd("stream", false);
        }

        RemoteJson.AddIfSet(body, "max_tokens", generation.MaxOutputTokens);
        RemoteJson.AddIfSet(body, "temperature", generation.Temperature);
        RemoteJson.AddIfSet(body, "top_p", generation.TopP);
        RemoteJson.AddIfSet(body, "top_k", generation.TopK);
        RemoteJson.AddIfSet(body, "seed", generation.Seed);
        RemoteJson.AddIfSet(body, "frequency_penalty", generation.FrequencyPenalty);
        RemoteJson.AddIfSet(body, "presence_penalty", generation.PresencePenalty);
        if (generation.StopSequences is { Count: > 0 } stops)
        {
            body.TryAdd("stop", RemoteJson.Strings(stops));
        }

        dialect.WriteExtras(body, generation);
        if (ToOpenAITools(options) is { } tools)
        {
            body.TryAdd("tools", tools);
            if (ToOpenAIToolChoice(options!.ToolMode) is { } choice)
            {
                body.TryAdd("tool_choice", choice);
            }

            if (options.AllowMultipleToolCalls is { } parallel)
            {
                body.TryAdd("parallel_tool_calls", parallel);
            }
        }

        if (ToOpenAIResponseFormat(options?.ResponseFormat) is { } format)
        {
            body.TryAdd("response_format", format);
        }

        dialect.WriteThinking(body, options, request.PreserveThinking);
        return body;
    }

    internal static JsonArray ToOpenAIMessages(IReadOnlyList<ChatMessage> messages, ChatOptions? options, string reasoningField, bool preserveThinking) =>
        RemoteHistory.ToWireMessages(messages, options, preserveThinking, new RemoteMessageWriter(
            (message, reasoning) => ToAssistant(message, reasoning, reasoningField),
            static (_, _, result) => new JsonObject { ["role"] = "tool", ["tool_call_id"] = result.CallId, ["content"] = RemoteHistory.ResultText(result) },
            static message => new JsonObject { ["role"] = message.Role.Value, ["content"] = ToContent(message) }));

    internal static JsonArray? ToOpenAITools(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } || options.ToolMode is NoneChatToolMode)
        {
            return null; // ToolMode None: the model must not see the tools, as the local template renders none
        }

        var tools = new JsonArray();
        foreach (var function in options.Tools.OfType<AIFunctionDeclaration>())
        {
            var declaration = new JsonObject { ["name"] = function.Name };
            if (!string.IsNullOrEmpty(function.Description))
            {
                declaration["description"] = function.Description;
            }

            declaration["parameters"] = RemoteJson.ToNode(function.JsonSchema);
            tools.Add(new JsonObject { ["type"] = "function", ["function"] = declaration });
        }

        return tools.Count > 0 ? tools : null;
    }

    internal static JsonNode? ToOpenAIToolChoice(ChatToolMode? mode) => mode switch
    {
        AutoChatToolMode => "auto",
        RequiredChatToolMode { RequiredFunctionName: { } name } => new JsonObject
        {
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = name },
        },
        RequiredChatToolMode => "required",
        _ => null,
    };

    internal static JsonObject? ToOpenAIResponseFormat(ChatResponseFormat? format)
    {
        if (format is not ChatResponseFormatJson json)
        {
            return null;
        }

        if (json.Schema is not { } schema)
        {
            return new JsonObject { ["type"] = "json_object" };
        }

        var spec = new JsonObject { ["name"] = json.SchemaName ?? "response" };
        if (!string.IsNullOrEmpty(json.SchemaDescription))
        {
            spec["description"] = json.SchemaDescription;
        }

        spec["schema"] = RemoteJson.ToNode(schema);
        return new JsonObject { ["type"] = "json_schema", ["json_schema"] = spec };
    }

    internal static void FromOpenAIChunk(JsonElement chunk, RemoteTurn turn, List<AIContent> contents)
    {
        if (chunk.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        turn.ResponseId ??= chunk.String("id");
        turn.ModelId ??= chunk.String("model");
        if (turn.CreatedAt is null && chunk.Int64("created") is { } created && created > 0)
        {
            turn.CreatedAt = DateTimeOffset.FromUnixTimeSeconds(created);
        }

        if (chunk.TryObject("usage", out var usage))
        {
            turn.Usage = FromOpenAIUsage(usage, chunk);
            turn.UsageRaw = usage.Clone();
        }

        if (!chunk.TryArray("choices", out var choices))
        {
            return;
        }

        foreach (var choice in choices.EnumerateArray())
        {
            // n is always 1 here; a second choice would be another answer, not more of this one.
            if (choice.Int64("index") is > 0)
            {
                continue;
            }

            if (choice.TryObject("delta", out var message) || choice.TryObject("message", out message))
            {
                if (message.FirstString(ReasoningFields) is { } reasoning)
                {
                    contents.Add(new TextReasoningContent(reasoning));
                }

                if (Text(message) is { Length: > 0 } text)
                {
                    turn.Content.Append(text, contents);
                }

                if (message.TryArray("tool_calls", out var calls))
                {
                    turn.ToolCalls.Add(calls);
                }
            }

            if (choice.String("finish_reason") is { Length: > 0 } finish)
            {
                turn.FinishReason = finish;
            }
        }
    }

    // Content is a string; a few servers send OpenAI's input shape instead, an array of parts: take their text.
    private static string? Text(JsonElement message)
    {
        if (!message.TryArray("content", out var parts))
        {
            return message.String("content");
        }

        var text = new System.Text.StringBuilder();
        foreach (var part in parts.EnumerateArray())
        {
            text.Append(part.ValueKind == JsonValueKind.String ? part.GetString() : part.String("text"));
        }

        return text.ToString();
    }

    internal static UsageDetails FromOpenAIUsage(JsonElement usage, JsonElement chunk)
    {
        var input = usage.Int64("prompt_tokens");
        var output = usage.Int64("completion_tokens");
        var details = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = usage.Int64("total_tokens") ?? (input is null && output is null ? null : (input ?? 0) + (output ?? 0)),
            CachedInputTokenCount = usage.TryObject("prompt_tokens_details", out var prompt) ? prompt.Int64("cached_tokens") : null,
            ReasoningTokenCount = usage.TryObject("completion_tokens_details", out var completion) ? completion.Int64("reasoning_tokens") : null,
        };

        // llama-server reports the prompt tokens it reused from its cache in its timings.
        if (details.CachedInputTokenCount is null && chunk.TryObject("timings", out var timings) && timings.Int64("cache_n") is { } cached)
        {
            details.CachedInputTokenCount = cached;
        }

        return details;
    }

    internal static RemoteEmbeddings FromOpenAIEmbeddings(JsonElement body)
    {
        var vectors = new List<(long Index, float[] Vector)>();
        if (body.TryArray("data", out var data))
        {
            var position = 0L;
            foreach (var entry in data.EnumerateArray())
            {
                var index = entry.Int64("index") ?? position;
                position++;
                if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("embedding", out var embedding))
                {
                    vectors.Add((index, ReadVector(embedding)));
                }
            }
        }

        var tokens = body.TryObject("usage", out var usage) ? usage.Int64("prompt_tokens") ?? usage.Int64("total_tokens") : null;
        return new RemoteEmbeddings([.. vectors.OrderBy(static v => v.Index).Select(static v => v.Vector)], tokens, body.String("model"));
    }

    /// <summary>A vector as a JSON array of numbers, or as base64 little-endian float32 (what OpenAI's clients ask for).</summary>
    internal static float[] ReadVector(JsonElement embedding)
    {
        if (embedding.ValueKind == JsonValueKind.String)
        {
            var bytes = Convert.FromBase64String(embedding.GetString()!);
            var floats = new float[bytes.Length / sizeof(float)];
            for (var i = 0; i < floats.Length; i++)
            {
                floats[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
            }

            return floats;
        }

        // llama-server's non-OpenAI /embeddings nests one more array; take the pooled vector either way.
        if (embedding.ValueKind == JsonValueKind.Array && embedding.GetArrayLength() > 0 && embedding[0].ValueKind == JsonValueKind.Array)
        {
            embedding = embedding[0];
        }

        if (embedding.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var vector = new float[embedding.GetArrayLength()];
        var j = 0;
        foreach (var value in embedding.EnumerateArray())
        {
            vector[j++] = value.ValueKind == JsonValueKind.Number ? value.GetSingle() : float.NaN;
        }

        return vector;
    }

    private static JsonObject ToAssistant(ChatMessage message, string? reasoning, string reasoningField)
    {
        var calls = message.Contents.OfType<FunctionCallContent>().ToList();
        var text = RemoteHistory.Text(message);
        var result = new JsonObject { ["role"] = "assistant", ["content"] = text ?? (calls.Count > 0 ? null : string.Empty) };
        if (calls.Count > 0)
        {
            var toolCalls = new JsonArray();
            foreach (var call in calls)
            {
                toolCalls.Add(new JsonObject
                {
                    ["id"] = call.CallId,
                    ["type"] = "function",
                    ["function"] = new JsonObject
                    {
                        ["name"] = call.Name,
                        ["arguments"] = JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), RemoteJson.WriteOptions.GetTypeInfo(typeof(IDictionary<string, object?>))),
                    },
                });
            }

            result["tool_calls"] = toolCalls;
        }

        if (reasoning is not null)
        {
            result[reasoningField] = reasoning;
        }

        return result;
    }

    // Text only: a string, as every engine takes. With images or audio: OpenAI's content parts, in order.
    private static JsonNode ToContent(ChatMessage message)
    {
        if (!message.Contents.Any(static c => c is DataContent or UriContent))
        {
            return RemoteHistory.Text(message) ?? string.Empty;
        }

        var parts = new JsonArray();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } text:
                    parts.Add(new JsonObject { ["type"] = "text", ["text"] = text.Text });
                    break;
                case DataContent data when RemoteHistory.MediaKind(data) == "audio":
                    parts.Add(new JsonObject
                    {
                        ["type"] = "input_audio",
                        ["input_audio"] = new JsonObject { ["data"] = new string(data.Base64Data.Span), ["format"] = RemoteHistory.AudioFormat(data.MediaType) },
                    });
                    break;
                case DataContent data when RemoteHistory.MediaKind(data) == "image":
                    parts.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = data.Uri } });
                    break;
                case UriContent uri when RemoteHistory.MediaKind(uri) == "image":
                    parts.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = uri.Uri.ToString() } });
                    break;
                case UriContent uri:
                    parts.Add(new JsonObject { ["type"] = "audio_url", ["audio_url"] = new JsonObject { ["url"] = uri.Uri.ToString() } });
                    break;
                default:
                    break;
            }
        }

        return parts;
    }
}
