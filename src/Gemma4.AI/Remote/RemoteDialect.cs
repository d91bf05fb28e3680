using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Remote;

/// <summary>
/// One engine's wire format: its request body for a chat turn or an embedding batch, how it streams, and how its
/// answers read back into MEAI contents. One mapping each way; the transport and the client around it are shared.
/// </summary>
internal abstract class RemoteDialect
{
    /// <summary>The engine this dialect speaks to.</summary>
    public abstract Gemma4RemoteEngine Engine { get; }

    /// <summary>The provider name of <see cref="ChatClientMetadata"/> (as OpenTelemetry's gen_ai.system).</summary>
    public abstract string ProviderName { get; }

    /// <summary>How messages name the engine: "vLLM", "llama-server", ….</summary>
    public abstract string DisplayName { get; }

    /// <summary>True for NDJSON streams (one JSON object a line), false for server-sent events.</summary>
    public abstract bool StreamsNdjson { get; }

    /// <summary>The request body of one chat turn.</summary>
    public abstract JsonObject ToChatRequest(RemoteChatRequest request);

    /// <summary>Reads one streamed chunk (an SSE event's data, an NDJSON line) into <paramref name="contents"/> and <paramref name="turn"/>.</summary>
    public abstract void ReadChunk(JsonElement chunk, RemoteTurn turn, List<AIContent> contents);

    /// <summary>Reads a whole, non-streamed response.</summary>
    public abstract void ReadCompletion(JsonElement body, RemoteTurn turn, List<AIContent> contents);

    /// <summary>The request body of one embedding batch.</summary>
    public abstract JsonObject ToEmbeddingsRequest(IReadOnlyList<string> inputs, string model, int? dimensions, bool truncate);

    /// <summary>Reads an embeddings response.</summary>
    public abstract RemoteEmbeddings ReadEmbeddings(JsonElement body);

    /// <summary>Asks the engine what it serves; throws <see cref="Gemma4RemoteException"/> when <paramref name="model"/> is not served.</summary>
    public abstract Task<RemoteServerInfo> ProbeAsync(RemoteTransport transport, string? model, CancellationToken cancellationToken);

    /// <summary>The dialect of <paramref name="engine"/>.</summary>
    public static RemoteDialect For(Gemma4RemoteEngine engine) => engine switch
    {
        Gemma4RemoteEngine.Vllm => VllmDialect.Instance,
        Gemma4RemoteEngine.LlamaServer => LlamaServerDialect.Instance,
        Gemma4RemoteEngine.Ollama => OllamaDialect.Instance,
        _ => OpenAICompatibleDialect.Instance,
    };

    /// <summary>Whether thinking is on for these options, as the local client decides: a reasoning effort other than None.</summary>
    protected static bool IsThinking(ChatOptions? options) => options?.Reasoning?.Effort is { } effort && effort != ReasoningEffort.None;
}

/// <summary>Everything a dialect needs to write one chat request.</summary>
/// <param name="Messages">The conversation.</param>
/// <param name="Options">The caller's options.</param>
/// <param name="Generation">Sampling and limits: the caller's <see cref="Gemma4GenerationOptions"/>, then <see cref="ChatOptions"/>, then the client's defaults.</param>
/// <param name="Body">The body to start from (a <see cref="JsonObject"/> from RawRepresentationFactory); fields already in it win.</param>
/// <param name="Model">The model to ask for.</param>
/// <param name="Stream">Whether the answer is streamed.</param>
/// <param name="PreserveThinking">Whether reasoning of tool-calling assistant messages before the last user message is sent too.</param>
internal sealed record RemoteChatRequest(
    IReadOnlyList<ChatMessage> Messages,
    ChatOptions? Options,
    Gemma4GenerationOptions Generation,
    JsonObject Body,
    string Model,
    bool Stream,
    bool PreserveThinking);

/// <summary>An embeddings response: one vector per input, in input order.</summary>
internal sealed record RemoteEmbeddings(IReadOnlyList<float[]> Vectors, long? InputTokens, string? ModelId);

/// <summary>What a probe learned: the model to use and a line for logs and health reports.</summary>
internal sealed record RemoteServerInfo(string Model, string Description);
