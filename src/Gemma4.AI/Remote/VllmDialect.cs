using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Remote;

/// <summary>
/// vLLM's OpenAI-compatible server with <c>--reasoning-parser gemma4 --tool-call-parser gemma4 --enable-auto-tool-choice</c>.
/// </summary>
/// <remarks>
/// Thinking: <c>chat_template_kwargs.enable_thinking</c>, always written (vLLM's Gemma 4 default is off, as ours).
/// Reasoning comes back in <c>reasoning</c> (<c>reasoning_content</c> before vLLM 0.11) and goes back in the assistant
/// message's <c>reasoning</c>, which the Gemma 4 template reads. Extras: <c>min_p</c>, <c>repetition_penalty</c>.
/// Embeddings: a pooling server's <c>/v1/embeddings</c>, <c>dimensions</c> for Matryoshka models such as EmbeddingGemma.
/// A LoRA adapter served with <c>--lora-modules</c> is a model name: pass it as <see cref="ChatOptions.ModelId"/>.
/// </remarks>
internal sealed class VllmDialect : OpenAIChatDialect
{
    public static readonly VllmDialect Instance = new();

    public override Gemma4RemoteEngine Engine => Gemma4RemoteEngine.Vllm;

    public override string ProviderName => "vllm";

    public override string DisplayName => "vLLM";

    protected override string HistoryReasoningField => "reasoning";

    protected override bool TakesDimensions => true;

    protected override void WriteThinking(JsonObject body, ChatOptions? options, bool preserveThinking) =>
        ChatTemplateKwargs.Write(body, IsThinking(options), preserveThinking);

    protected override string RepeatPenaltyField => "repetition_penalty";
}
