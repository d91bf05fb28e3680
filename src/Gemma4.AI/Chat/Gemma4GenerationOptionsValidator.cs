namespace Gemma4.AI.Chat;

/// <summary>
/// The ranges of <see cref="Gemma4GenerationOptions"/>: one routine for every source of values (a request's ChatOptions,
/// its raw <see cref="Gemma4GenerationOptions"/>, the client's defaults), so each error names the source that set the value.
/// </summary>
internal static class Gemma4GenerationOptionsValidator
{
    /// <summary>Values a request set through <see cref="Microsoft.Extensions.AI.ChatOptions"/>.</summary>
    public const string ChatOptionsSource = "ChatOptions";

    /// <summary>Values a request set through the <see cref="Gemma4GenerationOptions"/> its RawRepresentationFactory returned.</summary>
    public const string RawSource = "Gemma4GenerationOptions";

    /// <summary>Values of <see cref="Gemma4ChatClientOptions.DefaultGenerationOptions"/>.</summary>
    public const string ClientDefaultsSource = "Gemma4ChatClientOptions.DefaultGenerationOptions";

    /// <summary>Throws for the first value out of range.</summary>
    /// <param name="o">The values; null ones are unset and pass.</param>
    /// <param name="source">Names where the values came from in the message, e.g. <c>ChatOptions</c> gives "ChatOptions.TopP must be …".</param>
    /// <param name="parameterPrefix">Put before the setting's name in <see cref="ArgumentException.ParamName"/>, e.g. <c>DefaultGenerationOptions:</c> (a configuration path).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names its source, setting and value.</exception>
    public static void Validate(Gemma4GenerationOptions o, string source, string parameterPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(o);
        Check(o.Temperature is null or >= 0 && float.IsFinite(o.Temperature ?? 0), "Temperature", o.Temperature, "a finite value >= 0");
        // 0 is allowed, as OpenAI allows it: llama.cpp's top-p always keeps at least the most likely token.
        Check(o.TopP is null or >= 0 and <= 1, "TopP", o.TopP, "in [0, 1]");
        Check(o.TopK is null or >= 0, "TopK", o.TopK, ">= 0");
        Check(o.MinP is null or >= 0 and <= 1, "MinP", o.MinP, "in [0, 1]");
        Check(o.FrequencyPenalty is null or >= -2 and <= 2, "FrequencyPenalty", o.FrequencyPenalty, "in [-2, 2]");
        Check(o.PresencePenalty is null or >= -2 and <= 2, "PresencePenalty", o.PresencePenalty, "in [-2, 2]");
        Check(o.RepeatPenalty is null or > 0 && float.IsFinite(o.RepeatPenalty ?? 1), "RepeatPenalty", o.RepeatPenalty, "a finite value > 0");
        Check(o.PenaltyLastN is null or >= -1, "PenaltyLastN", o.PenaltyLastN, ">= -1");
        Check(o.MaxOutputTokens is null or >= 1, "MaxOutputTokens", o.MaxOutputTokens, ">= 1");
        // llama.cpp expands a bounded repetition into one rule per step and refuses long ones ("exceeds sane defaults").
        Check(o.MaxConstrainedStringLength is null or >= 0 and <= Grammar.SchemaConverter.MaxRepetition, "MaxConstrainedStringLength", o.MaxConstrainedStringLength, $"in [0, {Grammar.SchemaConverter.MaxRepetition}]");

        void Check(bool ok, string name, object? value, string expected)
        {
            if (!ok)
            {
                throw new ArgumentOutOfRangeException(parameterPrefix + name, value, $"{source}.{name} must be {expected}; got {value}.");
            }
        }
    }
}
