using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Gemma4.AI.IntegrationTests.SemanticKernel;

public sealed class KernelFunctionCallingTests
{
    [Fact]
    public async Task InvokePromptAsync_RequiredFunctionChoice_CallsPluginAndReturnsFinalMessage()
    {
        var builder = Kernel.CreateBuilder();
        builder.AddGemma4ChatCompletion(o => HostingModels.Configure(o), serviceId: "gemma");
        var plugin = new WeatherPlugin();
        builder.Plugins.AddFromObject(plugin, "weather");
        var kernel = builder.Build();
        using var services = (ServiceProvider)kernel.Services;

        // Required maps to ToolMode RequireAny, which the client enforces with a grammar even on random weights.
        var settings = new StringLimitSettings { ServiceId = "gemma", FunctionChoiceBehavior = FunctionChoiceBehavior.Required() };
        var result = await kernel.InvokePromptAsync("What is the weather in Paris?", new KernelArguments(settings));

        var city = Assert.Single(plugin.Cities);
        Assert.InRange(city.Length, 0, 12);
        Assert.Equal(2, settings.Requests); // the call, then the answer with the function's result
        var final = result.GetValue<ChatMessageContent>();
        Assert.NotNull(final);
        Assert.Equal(AuthorRole.Assistant, final.Role);
        Assert.Equal("gemma4-tiny-test", final.ModelId);
    }

    [Fact]
    public async Task GetChatMessageContentAsync_AutoFunctionChoice_DeclaresPluginAndAnswers()
    {
        var services = new ServiceCollection();
        services.AddGemma4ChatCompletion(o => HostingModels.Configure(o));
        services.AddKernel().Plugins.AddFromType<WeatherPlugin>("weather");
        await using var provider = services.BuildServiceProvider();
        var kernel = provider.GetRequiredService<Kernel>();
        var chat = kernel.GetRequiredService<IChatCompletionService>();

        var settings = new CapturingSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
        var history = new ChatHistory("You are a weather assistant.");
        history.AddUserMessage("What is the weather in Paris?");
        var reply = await chat.GetChatMessageContentAsync(history, settings, kernel);

        Assert.Equal(AuthorRole.Assistant, reply.Role);
        Assert.Equal("gemma4-tiny-test", reply.ModelId);
        Assert.True(settings.Requests >= 1, "the request reached Gemma4ChatClient");
        var options = settings.Options!;
        Assert.Equal(ChatToolMode.Auto, options.ToolMode);
        var tool = Assert.Single(options.Tools!);
        Assert.Equal("weather_get_weather", tool.Name);

        // The plugin function is declared in the Gemma 4 prompt the client renders for these options.
        var formatter = provider.GetRequiredService<IChatClient>().GetService<Gemma4.AI.Formatting.Gemma4PromptFormatter>()!;
        var prompt = formatter.Format([new ChatMessage(ChatRole.User, "What is the weather in Paris?")], options);
        Assert.Contains("declaration:weather_get_weather{", prompt, StringComparison.Ordinal);
        Assert.Contains("The city name", prompt, StringComparison.Ordinal);
    }
}
