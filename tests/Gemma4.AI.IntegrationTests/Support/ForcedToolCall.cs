using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Support;

/// <summary>
/// Forces the random-weight model to call a tool on the first request of a function-invocation loop and to answer
/// freely afterwards, the way ToolMode RequireAny behaves, by returning a raw grammar only the first time.
/// </summary>
/// <remarks>
/// Stand-in until the ToolMode grammars land: the invocation loops clone ChatOptions (and this factory) for every
/// request of one run, so a stateful factory marks the first one.
/// </remarks>
internal sealed class ForcedToolCall(string functionName, string argumentName, string argumentValue)
{
    private int _calls;

    public int Requests => _calls;

    /// <summary>Gemma 4's call syntax with token forms for the control tokens.</summary>
    public string Grammar =>
        $"root ::= <|tool_call> \"call:{functionName}{{{argumentName}:\" <|\"|> \"{argumentValue}\" <|\"|> \"}}\" <tool_call|>";

    public object? Factory(IChatClient client) =>
        Interlocked.Increment(ref _calls) == 1
            ? new Gemma4GenerationOptions { Grammar = Grammar, Temperature = 0 }
            : new Gemma4GenerationOptions { Temperature = 0, MaxOutputTokens = 12 };
}
