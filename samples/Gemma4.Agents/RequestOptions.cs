using Gemma4.AI;
using Microsoft.Extensions.AI;

namespace Gemma4.Agents;

/// <summary>The per-request options both frameworks send: sampling, thinking, and the demo's limits.</summary>
internal static class RequestOptions
{
    /// <summary>Fills ChatOptions; in --demo, caps answers and free strings (random weights rarely close a string).</summary>
    public static void Apply(ChatOptions options, AgentSettings settings, bool think)
    {
        options.MaxOutputTokens ??= settings.MaxTokens;
        options.Seed ??= settings.Seed;
        options.Reasoning = think ? new ReasoningOptions { Effort = ReasoningEffort.Medium } : null;
        if (settings.Demo)
        {
            options.RawRepresentationFactory = _ => new Gemma4GenerationOptions { MaxConstrainedStringLength = 16 };
        }
    }
}
