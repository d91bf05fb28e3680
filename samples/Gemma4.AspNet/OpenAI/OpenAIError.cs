namespace Gemma4.AspNet.OpenAI;

/// <summary>One OpenAI error answer: the HTTP status and the <c>error</c> object's message, param and code.</summary>
internal readonly record struct OpenAIError(int Status, string Message, string? Param = null, string? Code = null)
{
    /// <summary>The error object's <c>type</c>, as OpenAI names the classes.</summary>
    public string Type => Status switch
    {
        >= 500 => "server_error",
        401 => "authentication_error",
        _ => "invalid_request_error",
    };
}
