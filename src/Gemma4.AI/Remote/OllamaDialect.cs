using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Remote;

/// <summary>Ollama's native API: <c>/api/chat</c> (NDJSON stream), <c>/api/embed</c>, <c>/api/show</c>.</summary>
/// <remarks>
/// <para>Why a thin mapping of the native API instead of OllamaSharp or Ollama's <c>/v1</c>: only the native API switches
/// Gemma 4's thinking off and on (<c>think</c>) and takes reasoning back (<c>thinking</c> on assistant messages); the
/// mapping is one request and one response shape, written and read with the same lenient JSON and error handling as
/// the other engines, over the same System.ClientModel pipeline and resilient HttpClient; and it adds no dependency
/// whose own MEAI mapping we would have to work around (OllamaSharp's streaming and non-streaming finish reasons
/// differ, and it does not send reasoning back).</para>
/// <para>Request: <c>think</c> always written (true/false); sampling in <c>options</c> (<c>num_predict</c> for the
/// token limit); <c>format</c> "json" or the JSON schema; images as base64 <c>images</c>; assistant reasoning in
/// <c>thinking</c>, tool calls with arguments as objects; tool results as <c>tool</c> messages with <c>tool_name</c> and
/// <c>tool_call_id</c>. Ollama has no <c>tool_choice</c>: RequireSpecific sends only that tool, RequireAny all of them
/// (the model may still answer in text), None none.</para>
/// <para>Response: <c>message.thinking</c> → reasoning, <c>message.content</c> → text (through the Gemma 4 parser),
/// <c>message.tool_calls</c> → calls (Ollama says "stop" after calls: the finish reason is ToolCalls), the final line's
/// <c>done_reason</c>, <c>prompt_eval_count</c> and <c>eval_count</c> → finish reason and usage.</para>
/// </remarks>
internal sealed class OllamaDialect : RemoteDialect
{
    public static readonly OllamaDialect Instance = new();

    public override Gemma4RemoteEngine Engine => Gemma4RemoteEngine.Ollama;

    public override string ProviderName => "ollama";

    public override string DisplayName => "Ollama";

    public override bool StreamsNdjson => true;

    public override JsonObject ToChatRequest(RemoteChatRequest request) => ToOllamaRequest(request);

    public override void ReadChunk(JsonElement chunk, RemoteTurn turn, List<AIContent> contents) => FromOllamaChunk(chunk, turn, contents);

    public override void ReadCompletion(JsonElement body, RemoteTurn turn, List<AIContent> contents) => FromOllamaChunk(body, turn, contents);

    public override JsonObject ToEmbeddingsRequest(IReadOnlyList<string> inputs, string model, int? dimensions, bool truncate)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["input"] = RemoteJson.Strings(inputs),
        };
        if (!truncate)
        {
            body["truncate"] = false; // as the local generator: too long is an error unless truncation was asked for
        }

        if (dimensions is { } d)
        {
            body["dimensions"] = d;
        }

        return body;
    }

    public override RemoteEmbeddings ReadEmbeddings(JsonElement body)
    {
        var vectors = new List<float[]>();
        if (body.TryArray("embeddings", out var embeddings))
        {
            foreach (var embedding in embeddings.EnumerateArray())
            {
                vectors.Add(OpenAIChatDialect.ReadVector(embedding));
            }
        }
        else if (body.TryArray("embedding", out var single))
        {
            vectors.Add(OpenAIChatDialect.ReadVector(single)); // the older /api/embeddings shape
        }

        return new RemoteEmbeddings(vectors, body.Int64("prompt_eval_count"), body.String("model"));
    }

    public override async Task<RemoteServerInfo> ProbeAsync(RemoteTransport transport, string? model, CancellationToken cancellationToken)
    {
        var name = model ?? throw new Gemma4RemoteException("Gemma4:Remote:Model is required for Ollama.", Engine, transport.BaseAddress);
        JsonElement show;
        try
        {
            using var response = await transport.SendAsync("api/show", RemoteJson.ToBinary(new JsonObject { ["model"] = name }), stream: false, cancellationToken).ConfigureAwait(false);
            using var json = RemoteJson.ParseBody(response.Content, this, transport.BaseAddress);
            show = json.RootElement.Clone();
        }
        catch (Gemma4RemoteException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new Gemma4RemoteException(
                $"Ollama at {transport.BaseAddress} does not have the model '{name}' (Gemma4:Remote:Model); run 'ollama pull {name}' on that machine.",
                Engine, transport.BaseAddress, System.Net.HttpStatusCode.NotFound, ex) { ErrorCode = "model_not_found" };
        }

        var family = show.TryObject("details", out var details) ? details.String("family") : null;
        var architecture = show.TryObject("model_info", out var info) ? info.String("general.architecture") : null;
        var capabilities = show.TryArray("capabilities", out var caps) ? string.Join(", ", caps.EnumerateArray().Select(static c => c.ToString())) : null;
        var gemma = (family ?? architecture ?? string.Empty).Contains("gemma", StringComparison.OrdinalIgnoreCase);
        return new RemoteServerInfo(name,
            $"Ollama at {transport.BaseAddress} serves '{name}' ({family ?? architecture ?? "unknown family"}" +
            (capabilities is null ? ")" : $"; {capabilities})") +
            (gemma ? string.Empty : "; WARNING: it is not a Gemma model"));
    }

    internal static JsonObject ToOllamaRequest(RemoteChatRequest request)
    {
        var body = request.Body;
        var options = request.Options;
        body.TryAdd("model", request.Model);
        body.TryAdd("messages", ToOllamaMessages(request.Messages, options, request.PreserveThinking));
        body.TryAdd("stream", request.Stream);
        body.TryAdd("think", IsThinking(options));
        if (ToOllamaTools(options) is { } tools)
        {
            body.TryAdd("tools", tools);
        }

        if (options?.ResponseFormat is ChatResponseFormatJson json)
        {
            body.TryAdd("format", json.Schema is { } schema ? RemoteJson.ToNode(schema) : "json");
        }

        var sampling = body["options"] as JsonObject ?? new JsonObject();
        var generation = request.Generation;
        RemoteJson.AddIfSet(sampling, "num_predict", generation.MaxOutputTokens);
        RemoteJson.AddIfSet(sampling, "temperature", generation.Temperature);
        RemoteJson.AddIfSet(sampling, "top_p", generation.TopP);
        RemoteJson.AddIfSet(sampling, "top_k", generation.TopK);
        RemoteJson.AddIfSet(sampling, "min_p", generation.MinP);
        RemoteJson.AddIfSet(sampling, "seed", generation.Seed);
        RemoteJson.AddIfSet(sampling, "frequency_penalty", generation.FrequencyPenalty);
        RemoteJson.AddIfSet(sampling, "presence_penalty", generation.PresencePenalty);
        RemoteJson.AddIfSet(sampling, "repeat_penalty", generation.RepeatPenalty);
        RemoteJson.AddIfSet(sampling, "repeat_last_n", generation.PenaltyLastN);
        if (generation.StopSequences is { Count: > 0 } stops)
        {
            sampling.TryAdd("stop", RemoteJson.Strings(stops));
        }

        if (sampling.Count > 0)
        {
            body["options"] = sampling;
        }

        return body;
    }

    internal static JsonArray ToOllamaMessages(IReadOnlyList<ChatMessage> messages, ChatOptions? options, bool preserveThinking) =>
        RemoteHistory.ToWireMessages(messages, options, preserveThinking, new RemoteMessageWriter(ToAssistant, ToToolResult, static message => WithImages(message, Message(message))));

    internal static JsonArray? ToOllamaTools(ChatOptions? options)
    {
        var tools = OpenAIChatDialect.ToOpenAITools(options);
        if (tools is null || options!.ToolMode is not RequiredChatToolMode { RequiredFunctionName: { } name })
        {
            return tools;
        }

        // No tool_choice in Ollama: offering only the required function is the closest it gets.
        var only = new JsonArray();
        foreach (var tool in tools.ToList())
        {
            if (tool?["function"]?["name"]?.GetValue<string>() == name)
            {
                tools.Remove(tool);
                only.Add(tool);
            }
        }

        return only;
    }

    internal static void FromOllamaChunk(JsonElement chunk, RemoteTurn turn, List<AIContent> contents)
    {
        if (chunk.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        turn.ModelId ??= chunk.String("model");
        if (turn.CreatedAt is null && chunk.String("created_at") is { } created
            && DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
        {
            turn.CreatedAt = at;
        }

        if (chunk.TryObject("message", out var message))
        {
            if (message.FirstString("thinking", "reasoning", "reasoning_content") is { } thinking)
            {
                contents.Add(new TextReasoningContent(thinking));
            }

            if (message.String("content") is { Length: > 0 } text)
            {
                turn.Content.Append(text, contents);
            }

            if (message.TryArray("tool_calls", out var calls))
            {
                turn.ToolCalls.Add(calls);
            }
        }

        if (chunk.Boolean("done") == true)
        {
            turn.FinishReason = chunk.String("done_reason") ?? "stop";
            var input = chunk.Int64("prompt_eval_count");
            var output = chunk.Int64("eval_count");
            if (input is not null || output is not null)
            {
                turn.Usage = new UsageDetails
                {
                    InputTokenCount = input,
                    OutputTokenCount = output,
                    TotalTokenCount = (input ?? 0) + (output ?? 0),
                };
                turn.UsageRaw = chunk;
            }
        }
    }

    private static JsonObject Message(ChatMessage message) =>
        new() { ["role"] = message.Role.Value, ["content"] = RemoteHistory.Text(message) ?? string.Empty };

    private static JsonObject ToAssistant(ChatMessage message, string? reasoning)
    {
        var entry = Message(message);
        if (reasoning is not null)
        {
            entry["thinking"] = reasoning;
        }

        var calls = new JsonArray();
        foreach (var call in message.Contents.OfType<FunctionCallContent>())
        {
            calls.Add(new JsonObject
            {
                ["id"] = call.CallId,
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = RemoteJson.ToNode(call.Arguments ?? new Dictionary<string, object?>()) },
            });
        }

        if (calls.Count > 0)
        {
            entry["tool_calls"] = calls;
        }

        return WithImages(message, entry);
    }

    private static JsonObject ToToolResult(IReadOnlyList<ChatMessage> messages, int index, FunctionResultContent result)
    {
        var entry = new JsonObject { ["role"] = "tool", ["content"] = RemoteHistory.ResultText(result) };
        if (RemoteHistory.CallName(messages, index, result.CallId) is { } name)
        {
            entry["tool_name"] = name;
        }

        entry["tool_call_id"] = result.CallId;
        return entry;
    }

    // Ollama takes images as base64 in "images" beside the text.
    private static JsonObject WithImages(ChatMessage message, JsonObject entry)
    {
        var images = new JsonArray();
        foreach (var content in message.Contents)
        {
            if (content is DataContent data && RemoteHistory.MediaKind(data) == "image")
            {
                images.Add(new string(data.Base64Data.Span));
            }
            else if (content is UriContent or DataContent)
            {
                // MediaKind throws for types no engine takes; Ollama takes no audio and no image by address.
                throw new NotSupportedException((RemoteHistory.MediaKind(content), content) switch
                {
                    ("image", UriContent uri) => $"Ollama takes images as base64 data only; the image at {uri.Uri} cannot be sent: download it into a DataContent.",
                    (_, UriContent uri) => $"Ollama's /api/chat takes no audio ({uri.MediaType} at {uri.Uri}), only images; send audio to llama-server (with --mmproj) or vLLM.",
                    _ => $"Ollama's /api/chat takes no audio ({((DataContent)content).MediaType}), only images; send audio to llama-server (with --mmproj) or vLLM.",
                });
            }
        }

        if (images.Count > 0)
        {
            entry["images"] = images;
        }

        return entry;
    }
}
