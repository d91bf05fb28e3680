namespace Gemma4.AI;

/// <summary>Thrown when a prompt does not fit in the model's context window.</summary>
public sealed class Gemma4ContextOverflowException : InvalidOperationException
{
    /// <summary>Creates the exception for a prompt of <paramref name="promptTokens"/> tokens and a context of <paramref name="contextSize"/>.</summary>
    public Gemma4ContextOverflowException(int promptTokens, int contextSize, string? detail = null)
        : base($"The prompt has {promptTokens} tokens but the context holds {contextSize}; leave room for the answer " +
               $"(raise Gemma4ModelOptions.ContextSize, or shorten the conversation).{(detail is null ? string.Empty : " " + detail)}")
    {
        PromptTokens = promptTokens;
        ContextSize = contextSize;
    }

    /// <summary>Creates the exception with a message.</summary>
    public Gemma4ContextOverflowException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public Gemma4ContextOverflowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public Gemma4ContextOverflowException()
    {
    }

    /// <summary>Tokens in the prompt.</summary>
    public int PromptTokens { get; }

    /// <summary>The context size in tokens.</summary>
    public int ContextSize { get; }
}
