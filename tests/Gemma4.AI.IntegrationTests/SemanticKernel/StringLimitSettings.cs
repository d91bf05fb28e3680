using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Gemma4.AI.IntegrationTests.SemanticKernel;

/// <summary>
/// Execution settings that cap free strings in constrained output (random weights rarely close a string on their own)
/// and count the requests that reach the chat client.
/// </summary>
internal sealed class StringLimitSettings : PromptExecutionSettings
{
    private int _requests;

    public int Requests => _requests;

    protected override void PrepareChatOptionsForRequest(ChatOptions options)
    {
        base.PrepareChatOptionsForRequest(options);
        options.Seed = 3;
        options.MaxOutputTokens = 24;
        options.RawRepresentationFactory = _ =>
        {
            Interlocked.Increment(ref _requests);
            return new Gemma4GenerationOptions { MaxConstrainedStringLength = 12 };
        };
    }
}
