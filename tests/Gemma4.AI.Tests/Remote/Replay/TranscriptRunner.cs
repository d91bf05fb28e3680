using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Remote.Replay;

/// <summary>What a transcript's call produced.</summary>
public sealed record TranscriptOutcome(
    ChatResponse? Response,
    List<ChatResponseUpdate> Updates,
    GeneratedEmbeddings<Embedding<float>>? Embeddings,
    string? ProbeDescription,
    Exception? Error,
    IReadOnlyList<string> ServerFailures,
    int UnusedExchanges);

/// <summary>Runs a transcript's call against a <see cref="ReplayServer"/> playing its engine.</summary>
public static class TranscriptRunner
{
    public static async Task<TranscriptOutcome> RunAsync(Transcript transcript)
    {
        await using var server = await ReplayServer.StartAsync(transcript);
        var client = transcript.Client;
        var options = new Gemma4RemoteOptions
        {
            Engine = transcript.Engine,
            Endpoint = client["endpointPath"]?.GetValue<string>() is { } path ? new Uri(server.BaseAddress, path) : server.BaseAddress,
            Model = client.ContainsKey("model") ? client["model"]?.GetValue<string>() : "gemma4",
            ApiKey = client["apiKey"]?.GetValue<string>(),
            MaxRetries = client["maxRetries"]?.GetValue<int>() ?? 0,
            Timeout = TimeSpan.FromMilliseconds(client["timeoutMs"]?.GetValue<int>() ?? 20_000),
        };

        var call = transcript.Call;
        var kind = call["kind"]?.GetValue<string>() ?? "chat";
        var updates = new List<ChatResponseUpdate>();
        ChatResponse? response = null;
        GeneratedEmbeddings<Embedding<float>>? embeddings = null;
        string? probe = null;
        Exception? error = null;
        try
        {
            switch (kind)
            {
                case "chat":
                    using (var chat = new Gemma4RemoteChatClient(options, ClientOptions(client)))
                    {
                        response = await ChatAsync(chat, call, updates);
                    }

                    break;
                case "embeddings":
                    using (var generator = new Gemma4RemoteEmbeddingGenerator(options, GeneratorOptions(call)))
                    {
                        embeddings = await generator.GenerateAsync(
                            [.. ((JsonArray)call["inputs"]!).Select(static i => i!.GetValue<string>())],
                            new EmbeddingGenerationOptions { Dimensions = call["dimensions"]?.GetValue<int>() });
                    }

                    break;
                case "probe":
                    using (var chat = new Gemma4RemoteChatClient(options))
                    {
                        probe = await chat.ProbeAsync();
                    }

                    break;
                default:
                    throw new InvalidDataException($"{transcript.Path}: call.kind must be chat, embeddings or probe; got '{kind}'.");
            }
        }
        catch (Exception ex) when (ex is not InvalidDataException)
        {
            error = ex;
        }

        return new TranscriptOutcome(response, updates, embeddings, probe, error, server.Failures, server.Unused);
    }

    private static async Task<ChatResponse> ChatAsync(Gemma4RemoteChatClient chat, JsonObject call, List<ChatResponseUpdate> updates)
    {
        var messages = TranscriptCall.Messages(call);
        var options = TranscriptCall.Options(call);
        if (call["stream"]?.GetValue<bool>() != true)
        {
            return await chat.GetResponseAsync(messages, options);
        }

        using var cancel = new CancellationTokenSource();
        var cancelAfter = call["cancelAfterUpdates"]?.GetValue<int>();
        await foreach (var update in chat.GetStreamingResponseAsync(messages, options, cancel.Token))
        {
            updates.Add(update);
            if (updates.Count == cancelAfter)
            {
                await cancel.CancelAsync();
            }
        }

        return updates.ToChatResponse();
    }

    private static Gemma4ChatClientOptions? ClientOptions(JsonObject client) =>
        client["preserveThinking"]?.GetValue<bool>() == true ? new Gemma4ChatClientOptions { PreserveThinking = true } : null;

    private static Gemma4EmbeddingGeneratorOptions GeneratorOptions(JsonObject call) => new()
    {
        Task = call["task"]?.GetValue<string>() is { } task ? Enum.Parse<Gemma4EmbeddingTask>(task, ignoreCase: true) : Gemma4EmbeddingTask.None,
        Normalize = call["normalize"]?.GetValue<bool>() ?? true,
    };
}
