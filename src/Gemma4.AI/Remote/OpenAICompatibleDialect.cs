using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Remote;

/// <summary>Any OpenAI-compatible server (the Gemma4.AspNet sample, gateways, Ollama's /v1): OpenAI's fields only.</summary>
/// <remarks>
/// Thinking: <c>reasoning_effort</c> (none, low, medium, high; ExtraHigh is sent as high), only when
/// <see cref="ReasoningOptions.Effort"/> is set, so servers that do not know it see nothing new. Reasoning comes back in
/// whichever field the server uses and goes back in <c>reasoning_content</c>, the de-facto name.
/// </remarks>
internal sealed class OpenAICompatibleDialect : OpenAIChatDialect
{
    public static readonly OpenAICompatibleDialect Instance = new();

    public override Gemma4RemoteEngine Engine => Gemma4RemoteEngine.OpenAICompatible;

    public override string ProviderName => "openai";

    public override string DisplayName => "The OpenAI-compatible server";

    protected override string HistoryReasoningField => "reasoning_content";

    protected override bool TakesDimensions => true;

    protected override void WriteThinking(JsonObject body, ChatOptions? options, bool preserveThinking)
    {
        if (options?.Reasoning?.Effort is { } effort)
        {
            body.TryAdd("reasoning_effort", effort switch
            {
                ReasoningEffort.None => "none",
                ReasoningEffort.Low => "low",
                ReasoningEffort.Medium => "medium",
                _ => "high",
            });
        }
    }
}
