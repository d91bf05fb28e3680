namespace Gemma4.AI;

/// <summary>
/// Gemma 4 generation settings, the raw representation of <see cref="Microsoft.Extensions.AI.ChatOptions"/> for this
/// provider. Return one from <c>ChatOptions.RawRepresentationFactory</c> to set what ChatOptions cannot express
/// (min-p, llama.cpp's repeat penalty, a raw GBNF grammar); values set here win over ChatOptions.
/// </summary>
public sealed class Gemma4GenerationOptions
{
    /// <summary>Softmax temperature, finite and at least 0; 0 is greedy. Default: Google's recommended 1.0 (the GGUF's sampling metadata is not read).</summary>
    public float? Temperature { get; set; }

    /// <summary>Nucleus sampling threshold in [0, 1] (0 keeps only the most likely token; 1 disables). Default: Google's 0.95.</summary>
    public float? TopP { get; set; }

    /// <summary>Top-k cut-off; 0 disables. Default: Google's 64.</summary>
    public int? TopK { get; set; }

    /// <summary>Minimum probability relative to the best token, in [0, 1]; 0 (default) disables.</summary>
    public float? MinP { get; set; }

    /// <summary>OpenAI-style frequency penalty in [-2, 2].</summary>
    public float? FrequencyPenalty { get; set; }

    /// <summary>OpenAI-style presence penalty in [-2, 2].</summary>
    public float? PresencePenalty { get; set; }

    /// <summary>llama.cpp's multiplicative repetition penalty; 1 (default) disables.</summary>
    public float? RepeatPenalty { get; set; }

    /// <summary>How many recent tokens the penalties consider; -1 means the whole context. Default 64.</summary>
    public int? PenaltyLastN { get; set; }

    /// <summary>Seed for sampling; null picks a random one.</summary>
    /// <remarks>
    /// The same seed gives the same text for the same request from the same cache state (a fresh model, or the same
    /// cached prefix). A prompt decoded fresh and one resumed from a cached prefix, or decoded beside other requests,
    /// are computed in different batch shapes, whose floating-point results may differ in the last bits, and so may the
    /// sampled text, as with OpenAI's best-effort seed.
    /// </remarks>
    public long? Seed { get; set; }

    /// <summary>Maximum tokens to generate; null runs to the end of the turn or a full context.</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>Text sequences that end the answer; they are not included in it.</summary>
    public IList<string>? StopSequences { get; set; }

    /// <summary>A GBNF grammar (root rule <c>root</c>) that constrains the raw model output, including control tokens.</summary>
    public string? Grammar { get; set; }

    /// <summary>
    /// For structured output and tool calls: the most characters a string may have where its JSON schema sets no
    /// <c>maxLength</c>. Null (default) is unlimited. Small models can keep writing inside an open string; a limit makes
    /// such output end instead of running into <see cref="MaxOutputTokens"/>. At most 1000 (llama.cpp's grammars expand a
    /// bounded repetition step by step and refuse long ones).
    /// </summary>
    public int? MaxConstrainedStringLength { get; set; }

    /// <summary>
    /// LoRA adapters (loaded for the client's model with <see cref="Gemma4Model.LoadAdapterAsync"/>) and their scales for
    /// this request. An empty list runs the base model even where the client has default adapters. When null:
    /// <c>ChatOptions.AdditionalProperties["gemma4.lora"]</c> (see <see cref="Gemma4ChatOptionsExtensions"/>), else the
    /// client's <see cref="Gemma4ChatClientOptions.DefaultGenerationOptions"/>, else its <see cref="Gemma4ChatClientOptions.LoraAdapters"/>.
    /// </summary>
    public IList<Gemma4AdapterScale>? Adapters { get; set; }
}
