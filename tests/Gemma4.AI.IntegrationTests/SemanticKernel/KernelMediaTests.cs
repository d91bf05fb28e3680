using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Gemma4.AI.IntegrationTests.SemanticKernel;

/// <summary>Semantic Kernel's image and audio contents in a <see cref="ChatHistory"/> reach the model.</summary>
public sealed class KernelMediaTests
{
    [Fact]
    public async Task ChatHistory_WithImageContentAndAudioContent_IsAnsweredWithTheMediaCounted()
    {
        var builder = Kernel.CreateBuilder();
        builder.AddGemma4ChatCompletion(o =>
        {
            HostingModels.Configure(o);
            o.ProjectorPath = TestModels.TestModels.Projector();
        }, serviceId: "gemma");
        var kernel = builder.Build();
        using var services = (ServiceProvider)kernel.Services;
        var chat = kernel.GetRequiredService<IChatCompletionService>("gemma");
        var history = new ChatHistory();
        history.AddUserMessage(
        [
            new Microsoft.SemanticKernel.TextContent("What is in the picture, and what is the sound?"),
            new ImageContent(TestMedia.Png(320, 240), "image/png"),
#pragma warning disable SKEXP0001 // AudioContent is experimental in SK 1.82; it is how SK users send audio.
            new AudioContent(TestMedia.Wav(2), "audio/wav"),
#pragma warning restore SKEXP0001
        ]);

        var reply = await chat.GetChatMessageContentAsync(
            history, new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["max_tokens"] = 2, ["temperature"] = 0 } }, kernel);

        var usage = Assert.IsType<UsageDetails>(reply.Metadata!["Usage"]);
        Assert.Equal(48, usage.AdditionalCounts![UsageKeys.InputImageTokens]);
        Assert.Equal(50, usage.AdditionalCounts[UsageKeys.InputAudioTokens]);
        Assert.Equal(2, usage.OutputTokenCount);
    }
}
