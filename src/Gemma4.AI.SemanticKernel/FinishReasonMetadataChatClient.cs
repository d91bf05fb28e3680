using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.SemanticKernel;

/// <summary>
/// Copies <see cref="ChatResponse.FinishReason"/> into the additional properties that Semantic Kernel turns into
/// <c>ChatMessageContent.Metadata</c> / <c>StreamingChatMessageContent.Metadata</c>.
/// </summary>
/// <remarks>
/// SK's IChatClient adapter drops the finish reason (it keeps only the message's and update's additional properties and
/// the usage), so without this a kernel user cannot tell a reply cut by max_tokens from a complete one. The key and the
/// values are those of SK's OpenAI connector ("FinishReason": "Stop", "Length", "ToolCalls", "ContentFilter"), so code
/// written against that connector reads them unchanged.
/// </remarks>
internal sealed class FinishReasonMetadataChatClient(IChatClient innerClient) : DelegatingChatClient(innerClient)
{
    internal const string Key = "FinishReason";

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (response.FinishReason is { } reason && response.Messages.Count > 0)
        {
            // SK returns the last message as the result; its Metadata starts from these properties.
            (response.Messages[^1].AdditionalProperties ??= [])[Key] = ToConnectorName(reason);
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (update.FinishReason is { } reason)
            {
                (update.AdditionalProperties ??= [])[Key] = ToConnectorName(reason);
            }

            yield return update;
        }
    }

    private static string ToConnectorName(ChatFinishReason reason) =>
        reason == ChatFinishReason.Stop ? "Stop"
        : reason == ChatFinishReason.Length ? "Length"
        : reason == ChatFinishReason.ToolCalls ? "ToolCalls"
        : reason == ChatFinishReason.ContentFilter ? "ContentFilter"
        : reason.Value;
}
