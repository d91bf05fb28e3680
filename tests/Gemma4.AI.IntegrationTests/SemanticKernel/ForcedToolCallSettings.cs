using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Gemma4.AI.IntegrationTests.SemanticKernel;

/// <summary>Execution settings that pass a <see cref="ForcedToolCall"/> to the chat client as its raw options.</summary>
internal sealed class ForcedToolCallSettings(ForcedToolCall forced) : PromptExecutionSettings
{
    protected override void PrepareChatOptionsForRequest(ChatOptions options)
    {
        base.PrepareChatOptionsForRequest(options);
        options.RawRepresentationFactory = forced.Factory;
    }
}
