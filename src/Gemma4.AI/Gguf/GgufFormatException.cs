namespace Gemma4.AI.Gguf;

/// <summary>The bytes are not a well-formed GGUF header (bad magic, unsupported version, truncated, absurd sizes).</summary>
internal sealed class GgufFormatException : Exception
{
    public GgufFormatException()
    {
    }

    public GgufFormatException(string message)
        : base(message)
    {
    }

    public GgufFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
