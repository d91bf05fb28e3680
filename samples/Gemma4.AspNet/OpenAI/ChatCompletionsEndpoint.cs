using Gemma4.AI;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Gemma4.AspNet.OpenAI;

/// <summary><c>POST /v1/chat/completions</c>: one completion as JSON, or a stream of chunks as server-sent events.</summary>
internal static class ChatCompletionsEndpoint
{
    public static async Task HandleAsync(HttpContext context, IChatClient client)
    {
        var cancellationToken = context.RequestAborted; // a client that hangs up cancels its generation
        var request = await WireBody.ReadAsync<ChatCompletionRequest>(context.Request, cancellationToken);
        var model = client.GetService<Gemma4Model>(); // null behind a client that hides it: the library then decides
        var remote = context.RequestServices.GetRequiredService<ServerSettings>().AllowRemoteMedia ? context.RequestServices.GetRequiredService<RemoteMedia>() : null;
        var media = new MediaParts(remote, model?.SupportsImages, model?.SupportsAudio);
        var messages = await ChatMessageMapper.ToChatMessagesAsync(request.Messages, media, cancellationToken);
        var options = ChatOptionsMapper.ToChatOptions(request);
        var modelId = client.GetService<ChatClientMetadata>()?.DefaultModelId ?? "gemma4";

        if (request.Stream != true)
        {
            var response = await client.GetResponseAsync(messages, options, cancellationToken);
            context.Response.ContentType = "application/json";
            await using var json = new System.Text.Json.Utf8JsonWriter(context.Response.Body, WireJson.WriterOptions);
            ChatCompletionWriter.Write(json, response, modelId);
            return;
        }

        await StreamAsync(context, client, messages, options, modelId, request.StreamOptions?.IncludeUsage == true, cancellationToken);
    }

    private static async Task StreamAsync(HttpContext context, IChatClient client, List<ChatMessage> messages, ChatOptions options, string model, bool includeUsage, CancellationToken cancellationToken)
    {
        await using var updates = client.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);

        // Errors before the first update (a prompt too long for the context, a bad schema) are still plain HTTP errors.
        var more = await updates.MoveNextAsync();
        ServerSentEvents.Start(context.Response);
        var events = new ServerSentEvents(context.Response);
        var first = more ? updates.Current : null;
        var chunks = new ChatChunkWriter(first?.ResponseId ?? "chatcmpl-" + Guid.NewGuid().ToString("N"), (first?.CreatedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(), first?.ModelId ?? model);
        UsageDetails? usage = null;
        try
        {
            while (more)
            {
                var update = updates.Current;
                foreach (var u in update.Contents.OfType<UsageContent>())
                {
                    (usage ??= new UsageDetails()).Add(u.Details);
                }

                await events.WriteAsync(json => chunks.TryWrite(json, update), cancellationToken);
                more = await updates.MoveNextAsync();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Headers are gone: report in-band, as OpenAI does, and end the stream without [DONE].
            var error = OpenAIExceptionMap.Classify(ex) ?? new OpenAIError(500, ex.Message);
            await events.WriteAsync(json =>
            {
                OpenAIErrors.Write(json, error);
                return true;
            }, cancellationToken);
            return;
        }

        if (includeUsage)
        {
            await events.WriteAsync(json =>
            {
                chunks.WriteUsage(json, usage ?? new UsageDetails());
                return true;
            }, cancellationToken);
        }

        await events.WriteDoneAsync(cancellationToken);
    }
}
