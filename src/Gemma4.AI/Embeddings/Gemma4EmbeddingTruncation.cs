namespace Gemma4.AI;

/// <summary>What happens to an input with more tokens than the embedding context takes.</summary>
public enum Gemma4EmbeddingTruncation
{
    /// <summary>Throw a <see cref="Gemma4EmbeddingInputTooLongException"/> naming the input and its token count (default).</summary>
    Throw = 0,

    /// <summary>Keep the first tokens that fit (the task prompt and the start of the text; BOS/EOS are kept).</summary>
    Truncate,
}
