using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Gemma4.AI.IntegrationTests.SemanticKernel;

/// <summary>Execution settings that keep the ChatOptions SK built and count the requests that reached the Gemma 4 client.</summary>
internal sealed class CapturingSettings : PromptExecutionSettings
{
    private int _requests;

    public ChatOptions? Options { get; private set; }

    public int Requests => _requests;

    protected override void PrepareChatOptionsForRequest(ChatOptions options)
    {
        base.PrepareChatOptionsForRequest(options);
        Options = options;
        options.RawRepresentationFactory = client =>
        {
            Interlocked.Increment(ref _requests);
            return new Gemma4GenerationOptions { Temperature = 0, MaxOutputTokens = 12 };
        };
    }
}
