using System.Text.Json;
using System.Text.Json.Nodes;
using Gemma4.AI.Tests.Remote.Replay;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Remote;

/// <summary>
/// Every transcript under Remote/Transcripts, replayed at the remote client by a loopback server playing the engine:
/// the request must match the engine's transcript field by field, and the answer must come out as the transcript's
/// <c>expect</c> says (text, reasoning, calls, finish reason, usage, model, or the error). Drop a file in to add a case.
/// </summary>
public sealed class TranscriptReplayTests
{
    public static IEnumerable<object[]> Transcripts() => Transcript.All();

    [Theory]
    [MemberData(nameof(Transcripts))]
    public async Task Replay_Transcript_ClientSendsAndReturnsWhatTheTranscriptSays(string transcript)
    {
        var t = Transcript.Load(transcript);

        var outcome = await TranscriptRunner.RunAsync(t);

        Assert.True(outcome.ServerFailures.Count == 0, $"{t.Path}: the engine would not have accepted what the client sent:\n  " + string.Join("\n  ", outcome.ServerFailures));
        var expect = t.Expect;
        if (expect["updates"]?.GetValue<int>() is { } delivered)
        {
            Assert.True(delivered == outcome.Updates.Count, $"{t.Path}: {outcome.Updates.Count} update(s) reached the caller; expected {delivered}.");
        }

        if (expect["error"] is JsonObject error)
        {
            AssertError(t, error, outcome.Error);
            return;
        }

        Assert.True(outcome.Error is null, $"{t.Path}: {outcome.Error}");
        Assert.True(outcome.UnusedExchanges == 0, $"{t.Path}: {outcome.UnusedExchanges} exchange(s) were never requested.");
        if (outcome.Response is { } response)
        {
            AssertResponse(t, expect, response, outcome.Updates);
        }

        if (outcome.Embeddings is { } embeddings)
        {
            AssertEmbeddings(t, (JsonObject)expect["vectors"]!, embeddings);
        }

        if (outcome.ProbeDescription is { } description)
        {
            foreach (var part in expect["probe"]?["contains"] as JsonArray ?? [])
            {
                Assert.Contains(part!.GetValue<string>(), description, StringComparison.Ordinal);
            }
        }
    }

    private static void AssertResponse(Transcript t, JsonObject expect, ChatResponse response, List<ChatResponseUpdate> updates)
    {
        var contents = response.Messages.SelectMany(static m => m.Contents).ToList();
        if (expect.ContainsKey("text"))
        {
            Assert.Equal(expect["text"]?.GetValue<string>() ?? string.Empty, string.Concat(contents.OfType<TextContent>().Select(static c => c.Text)));
        }

        if (expect.ContainsKey("reasoning"))
        {
            Assert.Equal(expect["reasoning"]?.GetValue<string>() ?? string.Empty, string.Concat(contents.OfType<TextReasoningContent>().Select(static c => c.Text)));
        }

        if (expect["calls"] is JsonArray calls)
        {
            var actual = contents.OfType<FunctionCallContent>().ToList();
            Assert.True(calls.Count == actual.Count, $"{t.Path}: expected {calls.Count} call(s), got {actual.Count}: {string.Join(", ", actual.Select(static c => c.Name))}");
            for (var i = 0; i < calls.Count; i++)
            {
                Assert.Equal(calls[i]!["name"]!.GetValue<string>(), actual[i].Name);
                Assert.Null(actual[i].Exception);
                if (calls[i]!["id"]?.GetValue<string>() is { } id)
                {
                    Assert.Equal(id, actual[i].CallId);
                }
                else
                {
                    Assert.False(string.IsNullOrEmpty(actual[i].CallId));
                }

                var arguments = JsonSerializer.SerializeToNode(actual[i].Arguments, AIJsonUtilities.DefaultOptions);
                Assert.True(JsonNode.DeepEquals(calls[i]!["arguments"], arguments), $"{t.Path}: call {i} arguments {arguments?.ToJsonString()}");
            }
        }

        // A call the output cut off is no call and no text: a bare AIContent whose RawRepresentation is its raw text.
        if (expect["cutCalls"] is JsonArray cutCalls)
        {
            var raws = contents.Where(static c => c.GetType() == typeof(AIContent)).Select(static c => c.RawRepresentation as string).ToList();
            Assert.True(cutCalls.Count == raws.Count, $"{t.Path}: expected {cutCalls.Count} cut call(s), got {raws.Count}: {string.Join(", ", raws)}");
            for (var i = 0; i < cutCalls.Count; i++)
            {
                Assert.Contains(cutCalls[i]!.GetValue<string>(), raws[i] ?? string.Empty, StringComparison.Ordinal);
            }
        }

        if (expect["finishReason"]?.GetValue<string>() is { } finish)
        {
            Assert.Equal(new ChatFinishReason(finish), response.FinishReason);
        }

        if (expect["usage"] is JsonObject usage)
        {
            Assert.NotNull(response.Usage);
            Assert.Equal(usage["input"]?.GetValue<long>(), response.Usage.InputTokenCount);
            Assert.Equal(usage["output"]?.GetValue<long>(), response.Usage.OutputTokenCount);
            Assert.Equal(usage["total"]?.GetValue<long>(), response.Usage.TotalTokenCount);
            Assert.Equal(usage["cached"]?.GetValue<long>(), response.Usage.CachedInputTokenCount);
        }

        if (expect["modelId"]?.GetValue<string>() is { } model)
        {
            Assert.Equal(model, response.ModelId);
        }

        if (expect["responseId"]?.GetValue<string>() is { } responseId)
        {
            Assert.Equal(responseId, response.ResponseId);
        }

        // Streamed reasoning arrives as it is produced, in its own updates before the answer's.
        if (expect["minReasoningUpdates"]?.GetValue<int>() is { } minimum)
        {
            var reasoningUpdates = updates.Count(static u => u.Contents.OfType<TextReasoningContent>().Any());
            Assert.True(reasoningUpdates >= minimum, $"{t.Path}: {reasoningUpdates} update(s) carried reasoning; expected at least {minimum}.");
            var firstText = updates.FindIndex(static u => u.Contents.OfType<TextContent>().Any());
            var lastReasoning = updates.FindLastIndex(static u => u.Contents.OfType<TextReasoningContent>().Any());
            Assert.True(firstText < 0 || lastReasoning < firstText, $"{t.Path}: reasoning came after answer text.");
        }
    }

    private static void AssertEmbeddings(Transcript t, JsonObject expect, GeneratedEmbeddings<Embedding<float>> embeddings)
    {
        Assert.Equal(expect["count"]!.GetValue<int>(), embeddings.Count);
        foreach (var embedding in embeddings)
        {
            Assert.Equal(expect["dimensions"]!.GetValue<int>(), embedding.Vector.Length);
            if (expect["norm"]?.GetValue<double>() is { } norm)
            {
                var sum = 0.0;
                foreach (var v in embedding.Vector.Span)
                {
                    sum += v * (double)v;
                }

                Assert.Equal(norm, Math.Sqrt(sum), 4);
            }
        }

        if (expect["first"] is JsonArray first)
        {
            for (var i = 0; i < first.Count; i++)
            {
                Assert.Equal(first[i]!.GetValue<float>(), embeddings[0].Vector.Span[i], 4);
            }
        }

        if (expect["inputTokens"]?.GetValue<long>() is { } tokens)
        {
            Assert.Equal(tokens, embeddings.Usage?.InputTokenCount);
        }

        _ = t;
    }

    private static void AssertError(Transcript t, JsonObject expect, Exception? error)
    {
        Assert.True(error is not null, $"{t.Path}: expected an error, the call succeeded.");
        // The named type or one derived from it (TaskCanceledException is an OperationCanceledException).
        var type = expect["type"]?.GetValue<string>() ?? nameof(Gemma4RemoteException);
        var matches = false;
        for (var current = error.GetType(); current is not null; current = current.BaseType)
        {
            matches |= current.Name == type;
        }

        Assert.True(matches, $"{t.Path}: expected {type}, got {error}");
        if (expect["status"]?.GetValue<int>() is { } status)
        {
            Assert.Equal(status, (int?)((HttpRequestException)error).StatusCode);
        }

        foreach (var part in expect["messageContains"] as JsonArray ?? [])
        {
            Assert.Contains(part!.GetValue<string>(), error.Message, StringComparison.Ordinal);
        }
    }
}
