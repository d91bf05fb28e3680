using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Gemma4.AI.IntegrationTests.SemanticKernel;

public sealed class KernelChatMetadataTests
{
    [Fact]
    public async Task GetChatMessageContentAsync_Metadata_CarriesFinishReasonAndUsage()
    {
        var builder = Kernel.CreateBuilder();
        builder.AddGemma4ChatCompletion(o => HostingModels.Configure(o), serviceId: "gemma");
        var kernel = builder.Build();
        using var services = (ServiceProvider)kernel.Services;
        var chat = kernel.GetRequiredService<IChatCompletionService>("gemma");

        var complete = await chat.GetChatMessageContentAsync("hi", new GrammarSettings { Text = "ok" }, kernel);
        var cut = await chat.GetChatMessageContentAsync(
            "hi", new GrammarSettings { Text = "a long forced answer", ExtensionData = new Dictionary<string, object> { ["max_tokens"] = 1 } }, kernel);

        Assert.Equal("ok", complete.Content);
        Assert.Equal("Stop", complete.Metadata!["FinishReason"]);
        Assert.IsType<UsageDetails>(complete.Metadata["Usage"]);
        Assert.Equal("Length", cut.Metadata!["FinishReason"]);
        Assert.Equal(1, ((UsageDetails)cut.Metadata["Usage"]!).OutputTokenCount);

        // The IChatClient registration stays plain MEAI: the finish reason is on the response, not in the message's properties.
        var response = await kernel.GetRequiredService<IChatClient>("gemma").GetResponseAsync("hi", HostingModels.Forcing("ok"));
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.False(response.Messages[^1].AdditionalProperties?.ContainsKey("FinishReason") ?? false);
    }

    [Fact]
    public async Task InvokePromptStreamingAsync_LastChunkMetadata_CarriesFinishReason()
    {
        var builder = Kernel.CreateBuilder();
        builder.AddGemma4ChatCompletion(o => HostingModels.Configure(o));
        var kernel = builder.Build();
        using var services = (ServiceProvider)kernel.Services;

        var chunks = new List<StreamingChatMessageContent>();
        await foreach (var chunk in kernel.InvokePromptStreamingAsync<StreamingChatMessageContent>(
            "hi", new KernelArguments(new GrammarSettings { Text = "a long forced answer", ExtensionData = new Dictionary<string, object> { ["max_tokens"] = 2 } })))
        {
            chunks.Add(chunk);
        }

        Assert.All(chunks, c => Assert.Equal("gemma4-tiny-test", c.ModelId));
        var reasons = chunks.Select(c => c.Metadata?.GetValueOrDefault("FinishReason")).Where(r => r is not null).ToList();
        Assert.Equal(["Length"], reasons);
        Assert.NotNull(chunks[^1].Metadata?["FinishReason"]);
    }

    [Fact]
    public async Task GetStreamingChatMessageContentsAsync_RequiredFunctionChoice_ReportsToolCallsThenTheAnswer()
    {
        var builder = Kernel.CreateBuilder();
        builder.AddGemma4ChatCompletion(o => HostingModels.Configure(o));
        var plugin = new WeatherPlugin();
        builder.Plugins.AddFromObject(plugin, "weather");
        var kernel = builder.Build();
        using var services = (ServiceProvider)kernel.Services;
        var chat = kernel.GetRequiredService<IChatCompletionService>();

        var history = new ChatHistory();
        history.AddUserMessage("What is the weather in Paris?");
        var settings = new StringLimitSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Required() };
        var reasons = new List<object?>();
        await foreach (var chunk in chat.GetStreamingChatMessageContentsAsync(history, settings, kernel))
        {
            if (chunk.Metadata?.TryGetValue("FinishReason", out var reason) == true)
            {
                reasons.Add(reason);
            }
        }

        Assert.Single(plugin.Cities);
        Assert.Equal(2, settings.Requests);
        Assert.Equal("ToolCalls", reasons[0]);
        Assert.Equal(2, reasons.Count);
    }
}
