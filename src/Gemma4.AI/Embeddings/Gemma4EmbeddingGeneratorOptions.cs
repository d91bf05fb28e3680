namespace Gemma4.AI;

/// <summary>Settings of a <see cref="Gemma4EmbeddingGenerator"/>; every llama.cpp value is set explicitly from them.</summary>
public sealed class Gemma4EmbeddingGeneratorOptions
{
    /// <summary>
    /// Tokens in one decode, which is also the embedding context's size and the longest input it takes (llama.cpp needs
    /// each input of a non-causal model such as EmbeddingGemma inside one micro-batch). Inputs are also capped at the
    /// model's trained context (2048 for EmbeddingGemma). Default 2048.
    /// </summary>
    public int BatchSize { get; set; } = 2048;

    /// <summary>Most inputs decoded together in one batch (one llama.cpp sequence each). Between 1 and 256; default 64.</summary>
    /// <remarks>
    /// llama.cpp's batched kernels sum in an order that depends on the batch, so a text packed with others gets a vector
    /// that differs from its single-text vector in the last bits (cosine above 0.99999 on small models; 0.99989 measured
    /// on a 24-layer random-weight model of EmbeddingGemma's shape). With 1, every input is decoded on its own and its
    /// vector is bitwise the same whatever it is sent with, at the cost of throughput.
    /// </remarks>
    public int MaxParallelSequences { get; set; } = 64;

    /// <summary>CPU threads for the embedding context; null uses the model's <see cref="Gemma4ModelOptions.Threads"/> (else every core).</summary>
    public int? Threads { get; set; }

    /// <summary>Scale every vector to unit length (L2), so cosine similarity is a dot product. Default true.</summary>
    public bool Normalize { get; set; } = true;

    /// <summary>
    /// Default vector width; null keeps the model's full width. Smaller values truncate the vector (Matryoshka) and
    /// re-normalise it. EmbeddingGemma was trained for 768, 512, 256 and 128; other widths work but are untested by Google.
    /// </summary>
    public int? Dimensions { get; set; }

    /// <summary>The EmbeddingGemma task prompt put before every input. Default <see cref="Gemma4EmbeddingTask.None"/>.</summary>
    public Gemma4EmbeddingTask Task { get; set; } = Gemma4EmbeddingTask.None;

    /// <summary>A custom prompt put before every input; when set it replaces <see cref="Task"/>.</summary>
    public string? TaskPrefix { get; set; }

    /// <summary>What happens to an input longer than the context takes. Default <see cref="Gemma4EmbeddingTruncation.Throw"/>.</summary>
    public Gemma4EmbeddingTruncation Truncation { get; set; } = Gemma4EmbeddingTruncation.Throw;

    /// <summary>Whether disposing the generator disposes the model. Default false (the model is usually shared).</summary>
    public bool OwnsModel { get; set; }

    /// <summary>Tokens of short inputs packed into one decode (tuning and tests); null uses the generator's default.</summary>
    internal int? PackTokens { get; set; }

    /// <summary>Creates a copy, so a generator never sees later changes.</summary>
    public Gemma4EmbeddingGeneratorOptions Clone() => (Gemma4EmbeddingGeneratorOptions)MemberwiseClone();

    /// <summary>Checks every value and throws an <see cref="ArgumentException"/> naming the first bad setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        Require(BatchSize is >= 8 and <= 1 << 20, nameof(BatchSize), BatchSize, "between 8 and 1048576 tokens");
        Require(MaxParallelSequences is >= 1 and <= 256, nameof(MaxParallelSequences), MaxParallelSequences, "between 1 and 256");

        // One pooled output per sequence in one decode: llama.cpp aborts the process when the batch cannot hold them.
        Require(MaxParallelSequences <= BatchSize, nameof(MaxParallelSequences), MaxParallelSequences, $"at most BatchSize ({BatchSize})");
        Require(ThreadLimit.IsValid(Threads), nameof(Threads), Threads, ThreadLimit.Expected("the model's Threads"));
        Require(Dimensions is null or >= 1, nameof(Dimensions), Dimensions, "at least 1 (or null for the model's width)");
        Require(Enum.IsDefined(Task), nameof(Task), Task, "a Gemma4EmbeddingTask value");
        Require(Enum.IsDefined(Truncation), nameof(Truncation), Truncation, "a Gemma4EmbeddingTruncation value");
    }

    /// <summary>Checks what only a loaded model can tell: <see cref="Dimensions"/> against the model's vector width.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Dimensions"/> is wider than the model.</exception>
    internal void ValidateFor(int modelDimensions) =>
        Require(Dimensions is null || Dimensions <= modelDimensions, nameof(Dimensions), Dimensions, $"between 1 and the model's width {modelDimensions}");

    private static void Require(bool condition, string name, object? value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Gemma4EmbeddingGeneratorOptions.{name} must be {expected}; got {value ?? "null"}.");
        }
    }
}
