namespace Gemma4.AI;

/// <summary>Thrown when an input to embed has more tokens than the embedding context takes and truncation is off.</summary>
public sealed class Gemma4EmbeddingInputTooLongException : ArgumentException
{
    /// <summary>Creates the exception for input <paramref name="inputIndex"/> of <paramref name="tokenCount"/> tokens.</summary>
    /// <param name="inputIndex">Position of the input in the list passed to the generator.</param>
    /// <param name="tokenCount">Tokens of the input, including BOS/EOS and the task prompt.</param>
    /// <param name="maxTokens">Most tokens one input may have.</param>
    public Gemma4EmbeddingInputTooLongException(int inputIndex, int tokenCount, int maxTokens)
        : base($"Input {inputIndex} has {tokenCount} tokens (with the task prompt and BOS/EOS), but an input may have at most {maxTokens}. " +
               "Split the text, raise Gemma4EmbeddingGeneratorOptions.BatchSize (up to the model's trained context), or set " +
               "Truncation = Gemma4EmbeddingTruncation.Truncate.", "values")
    {
        InputIndex = inputIndex;
        TokenCount = tokenCount;
        MaxTokens = maxTokens;
    }

    /// <summary>Creates the exception.</summary>
    public Gemma4EmbeddingInputTooLongException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public Gemma4EmbeddingInputTooLongException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public Gemma4EmbeddingInputTooLongException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Position of the offending input in the list passed to the generator (-1 if unknown).</summary>
    public int InputIndex { get; } = -1;

    /// <summary>Tokens of the offending input, including BOS/EOS and the task prompt.</summary>
    public int TokenCount { get; }

    /// <summary>Most tokens one input may have.</summary>
    public int MaxTokens { get; }
}
