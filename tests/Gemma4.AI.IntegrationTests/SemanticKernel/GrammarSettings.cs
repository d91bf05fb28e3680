using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Gemma4.AI.IntegrationTests.SemanticKernel;

/// <summary>Execution settings whose grammar forces the answer to be exactly <see cref="Text"/> (random weights answer noise otherwise).</summary>
internal sealed class GrammarSettings : PromptExecutionSettings
{
    public string Text { get; init; } = "ok";

    protected override void PrepareChatOptionsForRequest(ChatOptions options)
    {
        base.PrepareChatOptionsForRequest(options);
        var grammar = $"root ::= \"{Text}\"";
        options.RawRepresentationFactory = _ => new Gemma4GenerationOptions { Grammar = grammar };
    }
}
