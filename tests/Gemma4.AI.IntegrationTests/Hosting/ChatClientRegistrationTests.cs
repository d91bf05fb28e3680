using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Gemma4.AI.IntegrationTests.Hosting;

public sealed class ChatClientRegistrationTests
{
    [Fact]
    public async Task AddGemma4ChatClient_ConfiguredInCode_ResolvesWorkingClient()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddGemma4ChatClient(o => HostingModels.Configure(o));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IChatClient>();
        var response = await client.GetResponseAsync("hi", HostingModels.Forcing("alpha-1"));

        Assert.Equal("alpha-1", response.Text);
        Assert.Equal("gemma4", client.GetService<ChatClientMetadata>()!.ProviderName);
    }
}
