using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Grammar.Support;

/// <summary>Function declarations from raw parameter schemas.</summary>
internal static class Tools
{
    public static AIFunctionDeclaration Declare(string name, string parametersSchema) =>
        AIFunctionFactory.CreateDeclaration(name, description: null, Schemas.Parse(parametersSchema));

    public static readonly string[] ControlTokens =
    [
        "<|tool_call>", "<tool_call|>", "<|\"|>", "<|channel>", "<channel|>", "<|turn>", "<|tool_response>", "<|tool>", "<tool|>",
    ];
}
