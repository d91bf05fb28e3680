using Gemma4.AI.Lora;

namespace Gemma4.AI.Engine;

/// <summary>An immutable request for the engine: prompt tokens and how to generate after them.</summary>
internal sealed class GenerationRequest
{
    public GenerationRequest(int[] promptTokens)
    {
        ArgumentNullException.ThrowIfNull(promptTokens);
        if (promptTokens.Length == 0)
        {
            throw new ArgumentException("The prompt has no tokens.", nameof(promptTokens));
        }

        PromptTokens = promptTokens;
    }

    public int[] PromptTokens { get; }

    public SamplingParameters Sampling { get; init; } = new();

    /// <summary>Maximum tokens to sample; null means until end of generation or a full context.</summary>
    public int? MaxOutputTokens { get; init; }

    public IReadOnlyList<string> StopSequences { get; init; } = [];

    /// <summary>The LoRA adapters and scales to decode with; only requests with equal sets share a decode step or a cached prefix.</summary>
    public AdapterSet Adapters { get; init; } = AdapterSet.None;

    /// <summary>The images and audio in the prompt: which positions hold media embeddings and what to encode there.</summary>
    /// <remarks>Owned by the engine once the request is queued: it is disposed when the request leaves the decode loop.</remarks>
    public MediaInput Media { get; init; } = MediaInput.Empty;

    /// <summary>Test diagnostics: when set, receives the gap between the two largest logits before each sample.</summary>
    public List<float>? LogitGaps { get; init; }
}
