namespace Gemma4.AI.Engine;

/// <summary>How the next token is chosen; immutable, one per request.</summary>
internal sealed record SamplingParameters
{
    /// <summary>Softmax temperature; 0 means greedy (argmax).</summary>
    public float Temperature { get; init; } = 1.0f;

    /// <summary>Keep only the K most likely tokens; 0 disables.</summary>
    public int TopK { get; init; } = 64;

    /// <summary>Nucleus sampling threshold; 1 disables.</summary>
    public float TopP { get; init; } = 0.95f;

    /// <summary>Minimum probability relative to the most likely token; 0 disables.</summary>
    public float MinP { get; init; }

    /// <summary>Penalty for tokens already generated, scaled by their count (OpenAI semantics).</summary>
    public float FrequencyPenalty { get; init; }

    /// <summary>Penalty for tokens already generated, applied once (OpenAI semantics).</summary>
    public float PresencePenalty { get; init; }

    /// <summary>llama.cpp's multiplicative repetition penalty; 1 disables.</summary>
    public float RepeatPenalty { get; init; } = 1.0f;

    /// <summary>How many recent tokens the penalties look at; -1 means the whole context.</summary>
    public int PenaltyLastN { get; init; } = 64;

    /// <summary>Random seed; null picks one at random.</summary>
    public uint? Seed { get; init; }

    /// <summary>A grammar that constrains the output, or null.</summary>
    public GrammarConstraint? Grammar { get; init; }

    /// <summary>Tokens never to sample (for example the tool-call opener when no tool may be called).</summary>
    public IReadOnlyList<int> ExcludedTokens { get; init; } = [];

    public bool HasPenalties => FrequencyPenalty != 0 || PresencePenalty != 0 || RepeatPenalty != 1;
}
