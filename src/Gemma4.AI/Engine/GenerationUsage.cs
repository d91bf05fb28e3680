namespace Gemma4.AI.Engine;

/// <summary>Token counts and timings of one generation.</summary>
/// <param name="PromptTokens">Tokens in the prompt, as the tokenizer counts them.</param>
/// <param name="CachedPromptTokens">Prompt tokens whose KV cells were reused instead of decoded.</param>
/// <param name="OutputTokens">Tokens sampled, not counting the end-of-generation token.</param>
/// <param name="PromptTime">Time from admission to the first sampled token.</param>
/// <param name="GenerationTime">Time from the first sampled token to the end.</param>
internal readonly record struct GenerationUsage(
    int PromptTokens,
    int CachedPromptTokens,
    int OutputTokens,
    TimeSpan PromptTime,
    TimeSpan GenerationTime)
{
    /// <summary>Prompt positions holding image embeddings (included in <see cref="PromptTokens"/>).</summary>
    public int ImageTokens { get; init; }

    /// <summary>Prompt positions holding audio embeddings (included in <see cref="PromptTokens"/>).</summary>
    public int AudioTokens { get; init; }

    /// <summary>Time spent encoding media (in the projector, before the text model decodes the embeddings).</summary>
    public TimeSpan MediaEncodeTime { get; init; }
}
