namespace Gemma4.AspNet.OpenAI;

/// <summary>A request the server cannot serve; answered as OpenAI's error object with this status.</summary>
internal sealed class OpenAIRequestException(string message, string? param = null, int statusCode = 400, string? code = null) : Exception(message)
{
    public string? Param { get; } = param;

    public int StatusCode { get; } = statusCode;

    public string? Code { get; } = code;
}
