using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gemma4.AI.Chat;
using Gemma4.AI.Remote;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Gemma4.AI;

/// <summary>
/// An <see cref="IChatClient"/> for Gemma 4 served by vLLM, llama-server, Ollama or any OpenAI-compatible server, with
/// the semantics of <see cref="Gemma4ChatClient"/>: <see cref="ChatOptions.Reasoning"/> switches thinking the way the
/// engine wants it, reasoning comes back as <see cref="TextReasoningContent"/> whatever field carries it, and the
/// reasoning of the current tool loop goes back in the engine's field.
/// </summary>
/// <remarks>
/// <para>Mapping (per engine, see docs/remote.md): Instructions → first system message; Temperature, TopP, TopK,
/// MaxOutputTokens, Seed, StopSequences, penalties → the engine's fields (a <see cref="Gemma4GenerationOptions"/> from
/// <see cref="ChatOptions.RawRepresentationFactory"/> wins, then ChatOptions, then the client's defaults; MinP, repeat
/// penalty and a GBNF grammar reach the engines that take them); Tools/ToolMode → tools and tool_choice (ToolMode None
/// sends no tools); ResponseFormat → the engine's JSON-schema output; Reasoning.Effort → thinking on unless None (off
/// when unset, as in-process; OpenAI-compatible servers only get <c>reasoning_effort</c> when set); Reasoning.Output None
/// drops reasoning from the answer; ModelId → the model asked for (with vLLM, a LoRA adapter's name). A
/// <see cref="JsonObject"/> from RawRepresentationFactory is the body to start from: its fields win, so engine-only
/// settings go there. ChatOptions.AdditionalProperties are not sent.</para>
/// <para>Answers: text, reasoning, whole <see cref="FunctionCallContent"/>s (streamed fragments joined), finish reason
/// (ToolCalls when calls came back; Length when the token limit cut the output, and a call it cut is then a plain
/// <see cref="AIContent"/> holding the raw call, never a <see cref="FunctionCallContent"/>), usage with cached tokens, model id, response id and creation time. Gemma 4 markup
/// that an engine without its parsers leaves in the text is parsed with <see cref="Parsing.Gemma4OutputParser"/> and logged as
/// a misconfiguration. Engine errors are <see cref="Gemma4RemoteException"/>s naming the engine, endpoint and status.</para>
/// <para>Not supported remotely (rejected with <see cref="NotSupportedException"/>): per-request LoRA adapters (use a
/// vLLM LoRA model name), and a grammar except on llama-server. The client is thread-safe; cancellation stops the
/// request (and the engine's generation, when it notices the closed connection).</para>
/// </remarks>
public sealed class Gemma4RemoteChatClient : IChatClient
{
    private readonly RemoteConnection _connection;
    private readonly Gemma4GenerationOptions? _defaults;
    private readonly bool _preserveThinking;

    /// <summary>Creates a client for the engine <paramref name="options"/> describe.</summary>
    /// <param name="options">Engine, endpoint, model, key and timeout; copied.</param>
    /// <param name="clientOptions">Defaults and <see cref="Gemma4ChatClientOptions.PreserveThinking"/>; its in-process settings (LoRA adapters, dropping old messages) are rejected.</param>
    /// <param name="httpClient">The HttpClient to send with (not disposed); null creates one with the same retries and timeouts as the DI registration.</param>
    /// <param name="logger">Receives misconfiguration warnings.</param>
    /// <exception cref="ArgumentException">An option is invalid or not supported remotely.</exception>
    public Gemma4RemoteChatClient(
        Gemma4RemoteOptions options,
        Gemma4ChatClientOptions? clientOptions = null,
        HttpClient? httpClient = null,
        ILogger<Gemma4RemoteChatClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (clientOptions is not null)
        {
            clientOptions.Validate();
            if (clientOptions.LoraAdapters is { Count: > 0 })
            {
                throw new ArgumentException(
                    "Gemma4ChatClientOptions.LoraAdapters cannot be loaded into a remote engine; serve the adapter there (vLLM --lora-modules) and ask for it with ChatOptions.ModelId.",
                    nameof(clientOptions));
            }

            if (clientOptions.ContextOverflow != Gemma4ContextOverflowPolicy.Throw)
            {
                throw new ArgumentException(
                    $"Gemma4ChatClientOptions.ContextOverflow {clientOptions.ContextOverflow} needs the model's tokenizer in this process; a remote engine rejects prompts that do not fit. Use Throw.",
                    nameof(clientOptions));
            }
        }

        _connection = new RemoteConnection(options, httpClient, logger);
        _defaults = clientOptions?.DefaultGenerationOptions is { } defaults ? Gemma4ChatOptionsMapper.Copy(defaults) : null;
        _preserveThinking = clientOptions?.PreserveThinking ?? false;
    }

    /// <summary>The engine this client talks to.</summary>
    public Gemma4RemoteEngine Engine => _connection.Options.Engine;

    /// <summary>The address requests go to (the API base, or Ollama's root).</summary>
    public Uri Endpoint => _connection.Transport.BaseAddress;

    /// <summary>The model asked for: the configured one, or the one the engine listed first; null until known.</summary>
    public string? Model => _connection.Model;

    /// <summary>Asks the engine whether it serves the model (listing its models, or Ollama's /api/show).</summary>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>A one-line description of the engine and what it serves.</returns>
    /// <exception cref="Gemma4RemoteException">The engine cannot be reached or does not serve the model.</exception>
    public async Task<string> ProbeAsync(CancellationToken cancellationToken = default) =>
        (await _connection.ProbeAsync(cancellationToken).ConfigureAwait(false)).Description;

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = await PrepareAsync(messages, options, stream: false, cancellationToken).ConfigureAwait(false);
        using var response = await _connection.Transport.ChatAsync(RemoteJson.ToBinary(_connection.Dialect.ToChatRequest(request)), stream: false, cancellationToken)
            .ConfigureAwait(false);

        var turn = new RemoteTurn();
        var updates = new List<ChatResponseUpdate>();
        var contents = new List<AIContent>();
        object? raw = null;
        await foreach (var chunk in RemoteStreams.ReadAsync(response, _connection.Transport, _connection.Transport.BaseAddress, streamed: false, cancellationToken).ConfigureAwait(false))
        {
            ThrowIfError(chunk);
            raw ??= chunk;
            _connection.Dialect.ReadCompletion(chunk, turn, contents);
            AddUpdate(updates, turn, contents, chunk, options);
        }

        updates.Add(Finish(turn, contents, options, request.Generation.MaxOutputTokens, raw));
        var result = updates.ToChatResponse();
        result.RawRepresentation = raw;
        return result;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return StreamAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata(_connection.Dialect.ProviderName, _connection.Transport.BaseAddress, _connection.Model)
            : serviceType == typeof(Gemma4RemoteOptions) ? _connection.Options.Clone()
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Disposes the HttpClient the client created (one passed in is the caller's).</summary>
    public void Dispose() => _connection.Dispose();

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = await PrepareAsync(messages, options, stream: true, cancellationToken).ConfigureAwait(false);
        using var response = await _connection.Transport.ChatAsync(RemoteJson.ToBinary(_connection.Dialect.ToChatRequest(request)), stream: true, cancellationToken)
            .ConfigureAwait(false);

        var turn = new RemoteTurn();
        var contents = new List<AIContent>();
        var pending = new List<ChatResponseUpdate>(1);
        await foreach (var chunk in RemoteStreams.ReadAsync(response, _connection.Transport, _connection.Transport.BaseAddress, streamed: true, cancellationToken).ConfigureAwait(false))
        {
            ThrowIfError(chunk);
            _connection.Dialect.ReadChunk(chunk, turn, contents);
            AddUpdate(pending, turn, contents, chunk, options);
            foreach (var update in pending)
            {
                yield return update;
            }

            pending.Clear();
        }

        yield return Finish(turn, contents, options, request.Generation.MaxOutputTokens, raw: null);
    }

    private async ValueTask<RemoteChatRequest> PrepareAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream, CancellationToken cancellationToken)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        if (options?.AdditionalProperties?.ContainsKey(Gemma4ChatOptionsExtensions.LoraKey) == true)
        {
            throw new NotSupportedException(
                "LoRA adapters chosen per request (AddGemma4LoraAdapter) run in-process only; with vLLM, serve the adapter with --lora-modules and set ChatOptions.ModelId to its name.");
        }

        var raw = options?.RawRepresentationFactory?.Invoke(this);
        var generation = Gemma4ChatOptionsMapper.MergeGenerationOptions(options, raw as Gemma4GenerationOptions);
        if (_defaults is not null)
        {
            Gemma4ChatOptionsMapper.FillDefaults(generation, _defaults);
        }

        if (generation.Adapters is { Count: > 0 })
        {
            throw new NotSupportedException("Gemma4GenerationOptions.Adapters (LoRA) run in-process only; with vLLM, serve the adapter with --lora-modules and set ChatOptions.ModelId to its name.");
        }

        if (generation.Grammar is { Length: > 0 } && Engine != Gemma4RemoteEngine.LlamaServer)
        {
            throw new NotSupportedException(
                $"Gemma4GenerationOptions.Grammar (GBNF) is only understood by llama-server, not {_connection.Dialect.DisplayName}; use ChatOptions.ResponseFormat with a JSON schema.");
        }

        Check(list, options, generation);
        var body = raw is JsonObject seed ? (JsonObject)seed.DeepClone() : [];
        var model = options?.ModelId ?? await _connection.GetModelAsync(cancellationToken).ConfigureAwait(false);
        return new RemoteChatRequest(list, options, generation, body, model, stream, _preserveThinking);
    }

    // What the in-process client refuses is refused here too, before anything is sent (docs/contracts.md): the engine's
    // model writes the same call syntax and its output is valid Unicode as well.
    private static void Check(IReadOnlyList<ChatMessage> messages, ChatOptions? options, Gemma4GenerationOptions generation)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is null)
            {
                throw new ArgumentException($"The message list contains a null message at index {i}.", nameof(messages));
            }

            foreach (var content in messages[i].Contents)
            {
                if (content is FunctionCallContent { Arguments: { } arguments } call)
                {
                    foreach (var (name, value) in arguments)
                    {
                        ThrowIfTooDeep(value, $"argument '{name}' of function call '{call.Name}'");
                    }
                }
                else if (content is FunctionResultContent result)
                {
                    ThrowIfTooDeep(result.Result, $"the result of function call '{result.CallId}'");
                }
            }
        }

        foreach (var function in options?.Tools?.OfType<AIFunctionDeclaration>() ?? [])
        {
            ThrowIfTooDeep(function.JsonSchema, $"the JSON schema of tool '{function.Name}'");
        }

        if (options?.ResponseFormat is ChatResponseFormatJson { Schema: { } format })
        {
            ThrowIfTooDeep(format, "ChatOptions.ResponseFormat's JSON schema");
        }

        if (options?.Tools is { Count: > 0 } tools && options.ToolMode is not NoneChatToolMode)
        {
            Formatting.Gemma4ToolName.Validate(tools);
        }

        // A required call needs a function to call: the one named must be declared (Ollama, which has no tool_choice,
        // would otherwise be sent no tool at all), and RequireAny needs at least one (otherwise no tools are sent).
        if (options?.ToolMode is RequiredChatToolMode)
        {
            Grammar.ToolCallGrammar.Select([.. options.Tools?.OfType<AIFunctionDeclaration>() ?? []], options.ToolMode);
        }

        if (generation.StopSequences is { Count: > 0 } stops)
        {
            ChatTurnPlanner.CheckStopSequences(stops);
        }

        if (options?.ResponseFormat is ChatResponseFormatJson { Schema: { } schema })
        {
            Grammar.ResponseFormatGrammar.CheckSchema(schema);
        }
    }

    // JSON nested deeper than the in-process client takes is refused as there (docs/contracts.md "Deeply nested JSON").
    private static void ThrowIfTooDeep(object? value, string what)
    {
        if (value is JsonElement element && RemoteJson.NestsDeeperThan(element, RemoteJson.MaxValueDepth))
        {
            throw new NotSupportedException($"{what} cannot be sent: it is nested more than {RemoteJson.MaxValueDepth} levels deep.");
        }
    }

    private void ThrowIfError(JsonElement chunk)
    {
        if (RemoteErrors.FromStreamChunk(chunk, _connection.Dialect, _connection.Transport.BaseAddress) is { } error)
        {
            throw error;
        }
    }

    // Wraps what a chunk produced into an update; chunks that produced nothing (role-only deltas, usage) add none.
    private void AddUpdate(List<ChatResponseUpdate> updates, RemoteTurn turn, List<AIContent> contents, JsonElement chunk, ChatOptions? options)
    {
        if (options?.Reasoning?.Output == ReasoningOutput.None)
        {
            contents.RemoveAll(static c => c is TextReasoningContent);
        }

        if (contents.Count == 0)
        {
            return;
        }

        updates.Add(NewUpdate(turn, [.. contents], chunk));
        contents.Clear();
    }

    // The last update: text the parser held back, the joined tool calls, the finish reason and the usage.
    private ChatResponseUpdate Finish(RemoteTurn turn, List<AIContent> contents, ChatOptions? options, int? maxOutputTokens, object? raw)
    {
        turn.Content.Complete(contents);

        // A call the token limit cut is not run, and the answer finishes with Length. The engine says the limit was
        // reached, or (vLLM says "tool_calls" even then) it wrote as many tokens as were allowed.
        var allTokensUsed = maxOutputTokens is { } max && turn.Usage?.OutputTokenCount >= max;
        var callCut = turn.ToolCalls.Complete(RemoteFinishReasons.IsLength(turn.FinishReason), allTokensUsed, contents);
        if (options?.Reasoning?.Output == ReasoningOutput.None)
        {
            contents.RemoveAll(static c => c is TextReasoningContent);
        }

        if (turn.Content.Found)
        {
            _connection.ReportLeakedMarkup();
        }

        var hadCalls = turn.Content.HasToolCalls || contents.Any(static c => c is FunctionCallContent);
        if (turn.Usage is { } usage)
        {
            contents.Add(new UsageContent(usage) { RawRepresentation = turn.UsageRaw });
        }

        var update = NewUpdate(turn, [.. contents], raw);
        update.FinishReason = callCut ? ChatFinishReason.Length : RemoteFinishReasons.From(turn.FinishReason, hadCalls);
        contents.Clear();
        return update;
    }

    private ChatResponseUpdate NewUpdate(RemoteTurn turn, List<AIContent> contents, object? raw)
    {
        turn.ResponseId ??= "chatcmpl-" + Guid.NewGuid().ToString("N");
        turn.CreatedAt ??= DateTimeOffset.UtcNow;
        return new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = turn.ResponseId,
            MessageId = turn.ResponseId,
            ModelId = turn.ModelId ?? _connection.Model,
            CreatedAt = turn.CreatedAt,
            RawRepresentation = raw,
        };
    }
}
