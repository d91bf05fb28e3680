using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Gemma4.Agents;

/// <summary>SK execution settings that pass <see cref="RequestOptions"/> on to the IChatClient.</summary>
internal sealed class GemmaExecutionSettings(AgentSettings settings, bool think) : PromptExecutionSettings
{
    protected override void PrepareChatOptionsForRequest(ChatOptions options)
    {
        base.PrepareChatOptionsForRequest(options);
        RequestOptions.Apply(options, settings, think);
    }
}
