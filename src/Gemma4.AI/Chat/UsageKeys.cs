namespace Gemma4.AI;

/// <summary>Keys this provider adds to <see cref="Microsoft.Extensions.AI.UsageDetails.AdditionalCounts"/>.</summary>
public static class UsageKeys
{
    /// <summary>Milliseconds from admission to the first sampled token (prompt processing, including any wait for a free sequence).</summary>
    public const string PromptMilliseconds = "gemma4.prompt_ms";

    /// <summary>Milliseconds from the first sampled token to the end of generation.</summary>
    public const string GenerationMilliseconds = "gemma4.generation_ms";

    /// <summary>Input tokens that are image embeddings (part of the input token count; present when the prompt has images or audio).</summary>
    public const string InputImageTokens = "gemma4.input_image_tokens";

    /// <summary>Input tokens that are audio embeddings (part of the input token count; present when the prompt has images or audio).</summary>
    public const string InputAudioTokens = "gemma4.input_audio_tokens";

    /// <summary>Milliseconds the projector spent encoding this request's images and audio (media reused from the cache cost none).</summary>
    public const string MediaEncodeMilliseconds = "gemma4.media_encode_ms";
}
