using Gemma4.AI.Engine;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Chat;

/// <summary>Maps <see cref="ChatOptions"/> onto engine settings, one option at a time.</summary>
/// <remarks>
/// Start from the caller's <see cref="Gemma4GenerationOptions"/> (RawRepresentationFactory) and fill what it left
/// unset from ChatOptions, so raw values win; then the client's defaults, then Google's (<see cref="DefaultSampling"/>).
/// </remarks>
internal static class Gemma4ChatOptionsMapper
{
    /// <summary>Google's recommended sampling for Gemma 4.</summary>
    public static readonly SamplingParameters DefaultSampling = new() { Temperature = 1.0f, TopP = 0.95f, TopK = 64 };

    /// <summary>The request's values (raw first, then ChatOptions), validated; an error names the source of the bad value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static Gemma4GenerationOptions ToGenerationOptions(ChatOptions? options, IChatClient client) =>
        MergeGenerationOptions(options, options?.RawRepresentationFactory?.Invoke(client) as Gemma4GenerationOptions);

    /// <summary>As <see cref="ToGenerationOptions(ChatOptions?, IChatClient)"/>, with the raw options already produced.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static Gemma4GenerationOptions MergeGenerationOptions(ChatOptions? options, Gemma4GenerationOptions? raw)
    {
        var result = raw is null ? new Gemma4GenerationOptions() : Copy(raw);
        // The raw values first, so each error names the source of its value: what fails after the merge is ChatOptions'.
        Gemma4GenerationOptionsValidator.Validate(result, Gemma4GenerationOptionsValidator.RawSource);
        if (options is null)
        {
            return result;
        }

        result.Temperature ??= options.Temperature;
        result.TopP ??= options.TopP;
        result.TopK ??= options.TopK;
        result.FrequencyPenalty ??= options.FrequencyPenalty;
        result.PresencePenalty ??= options.PresencePenalty;
        result.Seed ??= options.Seed;
        result.MaxOutputTokens ??= options.MaxOutputTokens;
        result.StopSequences ??= options.StopSequences;
        Gemma4GenerationOptionsValidator.Validate(result, Gemma4GenerationOptionsValidator.ChatOptionsSource);
        return result;
    }

    /// <summary>Fills what <paramref name="target"/> left unset from a client's <paramref name="defaults"/>.</summary>
    public static void FillDefaults(Gemma4GenerationOptions target, Gemma4GenerationOptions defaults)
    {
        target.Temperature ??= defaults.Temperature;
        target.TopP ??= defaults.TopP;
        target.TopK ??= defaults.TopK;
        target.MinP ??= defaults.MinP;
        target.FrequencyPenalty ??= defaults.FrequencyPenalty;
        target.PresencePenalty ??= defaults.PresencePenalty;
        target.RepeatPenalty ??= defaults.RepeatPenalty;
        target.PenaltyLastN ??= defaults.PenaltyLastN;
        target.Seed ??= defaults.Seed;
        target.MaxOutputTokens ??= defaults.MaxOutputTokens;
        target.StopSequences ??= defaults.StopSequences;
        target.Grammar ??= defaults.Grammar;
        target.MaxConstrainedStringLength ??= defaults.MaxConstrainedStringLength;
        target.Adapters ??= defaults.Adapters;
    }

    /// <summary>Produces the engine's sampling parameters from values already validated (<see cref="Gemma4GenerationOptionsValidator"/>).</summary>
    public static SamplingParameters ToSampling(Gemma4GenerationOptions o, SamplingParameters defaults, GrammarConstraint? grammar)
    {
        return defaults with
        {
            Temperature = o.Temperature ?? defaults.Temperature,
            TopP = o.TopP ?? defaults.TopP,
            TopK = o.TopK ?? defaults.TopK,
            MinP = o.MinP ?? defaults.MinP,
            FrequencyPenalty = o.FrequencyPenalty ?? defaults.FrequencyPenalty,
            PresencePenalty = o.PresencePenalty ?? defaults.PresencePenalty,
            RepeatPenalty = o.RepeatPenalty ?? defaults.RepeatPenalty,
            PenaltyLastN = o.PenaltyLastN ?? defaults.PenaltyLastN,
            Seed = o.Seed is { } seed ? ToNativeSeed(seed) : defaults.Seed,
            Grammar = grammar,
        };
    }

    /// <summary>Folds a 64-bit seed into llama.cpp's 32 bits, avoiding 0xFFFFFFFF (which means "random").</summary>
    public static uint ToNativeSeed(long seed)
    {
        var folded = unchecked((uint)seed ^ (uint)(seed >> 32));
        return folded == uint.MaxValue ? uint.MaxValue - 1 : folded;
    }

    public static Gemma4GenerationOptions Copy(Gemma4GenerationOptions o) => new()
    {
        Temperature = o.Temperature,
        TopP = o.TopP,
        TopK = o.TopK,
        MinP = o.MinP,
        FrequencyPenalty = o.FrequencyPenalty,
        PresencePenalty = o.PresencePenalty,
        RepeatPenalty = o.RepeatPenalty,
        PenaltyLastN = o.PenaltyLastN,
        Seed = o.Seed,
        MaxOutputTokens = o.MaxOutputTokens,
        StopSequences = o.StopSequences is null ? null : [.. o.StopSequences],
        Grammar = o.Grammar,
        MaxConstrainedStringLength = o.MaxConstrainedStringLength,
        Adapters = o.Adapters is null ? null : [.. o.Adapters],
    };

    /// <summary>Maps why the engine stopped onto MEAI's finish reasons.</summary>
    public static ChatFinishReason FromStopReason(StopReason reason, bool endedInToolCalls) => reason switch
    {
        // A cut-off answer says so even after complete calls: a later call may be the one cut (as OpenAI reports length).
        StopReason.MaxTokens or StopReason.ContextFull => ChatFinishReason.Length,
        _ when endedInToolCalls => ChatFinishReason.ToolCalls,
        StopReason.EndOfGeneration or StopReason.StopSequence => ChatFinishReason.Stop,
        _ => new ChatFinishReason(reason.ToString()),
    };

    /// <summary>Builds MEAI usage from the engine's counts; timings go in AdditionalCounts.</summary>
    public static UsageDetails FromUsage(GenerationUsage usage)
    {
        var details = new UsageDetails
        {
            InputTokenCount = usage.PromptTokens,
            OutputTokenCount = usage.OutputTokens,
            TotalTokenCount = usage.PromptTokens + usage.OutputTokens,
            CachedInputTokenCount = usage.CachedPromptTokens,
            AdditionalCounts = new AdditionalPropertiesDictionary<long>
            {
                [UsageKeys.PromptMilliseconds] = (long)usage.PromptTime.TotalMilliseconds,
                [UsageKeys.GenerationMilliseconds] = (long)usage.GenerationTime.TotalMilliseconds,
            },
        };

        // Media embeddings are input tokens too; these say how many of them are image and audio positions.
        if (usage.ImageTokens + usage.AudioTokens > 0)
        {
            details.AdditionalCounts[UsageKeys.InputImageTokens] = usage.ImageTokens;
            details.AdditionalCounts[UsageKeys.InputAudioTokens] = usage.AudioTokens;
            details.AdditionalCounts[UsageKeys.MediaEncodeMilliseconds] = (long)usage.MediaEncodeTime.TotalMilliseconds;
        }

        return details;
    }
}
