namespace Gemma4.AI;

/// <summary>
/// A model file cannot be loaded: it is missing, not a GGUF file, truncated, of an unsupported architecture, or lacks
/// metadata that llama.cpp needs. Raised before any native code touches the file, so the process survives files on
/// which llama.cpp itself would abort.
/// </summary>
public sealed class Gemma4ModelLoadException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="Gemma4ModelLoadException"/> class.</summary>
    public Gemma4ModelLoadException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Gemma4ModelLoadException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public Gemma4ModelLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Gemma4ModelLoadException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public Gemma4ModelLoadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Gemma4ModelLoadException"/> class for a file.</summary>
    /// <param name="filePath">The model file.</param>
    /// <param name="problem">What is wrong with it; the message is "<c>filePath: problem</c>".</param>
    /// <param name="innerException">The cause, if any.</param>
    public Gemma4ModelLoadException(string? filePath, string problem, Exception? innerException = null)
        : base(filePath is null ? problem : $"{filePath}: {problem}", innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The model file that could not be loaded, when known.</summary>
    public string? FilePath { get; }
}
