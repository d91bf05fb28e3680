namespace Gemma4.AI;

/// <summary>Keys this provider adds to <see cref="Microsoft.Extensions.AI.UsageDetails.AdditionalCounts"/>.</summary>
public static class UsageKeys
{
    /// <summary>Milliseconds from admission to the first sampled token (prompt processing, including any wait for a free sequence).</summary>
    public const string PromptMilliseconds = "gemma4.prompt_ms";

    /// <summary>Milliseconds from the first sampled token to the end of generation.</summary>
    public const string GenerationMilliseconds = "gemma4.generation_ms";
}
