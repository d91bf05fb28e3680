using Microsoft.Extensions.AI;

namespace Gemma4.AI;

/// <summary>
/// Per-call settings of a <see cref="Gemma4EmbeddingGenerator"/>: return one from
/// <see cref="EmbeddingGenerationOptions.RawRepresentationFactory"/>; values left null keep the generator's defaults.
/// </summary>
/// <example>
/// <code>
/// var queryOptions = new EmbeddingGenerationOptions
/// {
///     RawRepresentationFactory = _ => new Gemma4EmbeddingRequestOptions { Task = Gemma4EmbeddingTask.Query },
/// };
/// </code>
/// </example>
public sealed class Gemma4EmbeddingRequestOptions
{
    /// <summary>The task prompt for this call; overrides <see cref="Gemma4EmbeddingGeneratorOptions.Task"/>.</summary>
    public Gemma4EmbeddingTask? Task { get; set; }

    /// <summary>A custom prompt put before each input; wins over <see cref="Task"/> and the generator's settings.</summary>
    public string? TaskPrefix { get; set; }

    /// <summary>What to do with too-long inputs in this call; overrides <see cref="Gemma4EmbeddingGeneratorOptions.Truncation"/>.</summary>
    public Gemma4EmbeddingTruncation? Truncation { get; set; }
}
