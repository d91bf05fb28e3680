using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Services;

namespace Gemma4.AI.IntegrationTests.SemanticKernel;

public sealed class KernelRegistrationTests
{
    [Fact]
    public async Task AddGemma4ChatCompletion_ServiceId_RegistersKeyedClientAndServiceSharingTheModel()
    {
        using var host = TestHosts.Build(HostingModels.Configuration(), (s, c) =>
        {
            s.AddGemma4ChatCompletion(c.GetSection("Gemma4"), serviceId: "gemma");
            s.AddGemma4ChatClient(c.GetSection("Gemma4")); // a plain MEAI client over the same model
        });
        await host.StartAsync();

        var kernelClient = host.Services.GetRequiredKeyedService<IChatClient>("gemma");
        var completion = host.Services.GetRequiredKeyedService<IChatCompletionService>("gemma");
        var plain = host.Services.GetRequiredService<IChatClient>();

        Assert.Null(host.Services.GetService<IChatCompletionService>());
        Assert.NotNull(kernelClient.GetService<FunctionInvokingChatClient>()); // SK's kernel function invocation
        Assert.Null(plain.GetService<FunctionInvokingChatClient>());
        Assert.Same(plain.GetService<Gemma4Model>(), kernelClient.GetService<Gemma4Model>());
        Assert.Equal("gemma4-tiny-test", completion.GetModelId());

        var reply = await completion.GetChatMessageContentAsync(
            "hello",
            new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["max_tokens"] = 4, ["temperature"] = 0 } });
        Assert.Equal(AuthorRole.Assistant, reply.Role);
        Assert.Equal("gemma4-tiny-test", reply.ModelId);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddGemma4TextEmbeddingGeneration_KernelBuilder_RegistersKeyedGeneratorAndTextEmbeddingServiceOverTheChatModel()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(HostingModels.Configuration()).Build();
        var builder = Kernel.CreateBuilder();
        builder.AddGemma4ChatCompletion(configuration.GetSection("Gemma4"), serviceId: "gemma");
        builder.AddGemma4TextEmbeddingGeneration(configuration.GetSection("Gemma4"), serviceId: "gemma");
        var kernel = builder.Build();
        using var services = (ServiceProvider)kernel.Services;

        var generator = kernel.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>("gemma");
#pragma warning disable CS0618, SKEXP0001 // the obsolete SK interface is what older SK code resolves
        var textEmbeddings = kernel.GetRequiredService<Microsoft.SemanticKernel.Embeddings.ITextEmbeddingGenerationService>("gemma");
#pragma warning restore CS0618, SKEXP0001

        var chatModel = kernel.GetRequiredService<IChatClient>("gemma").GetService<Gemma4Model>();
        Assert.Same(chatModel, generator.GetService<Gemma4Model>());
        var vectors = await textEmbeddings.GenerateEmbeddingsAsync(["hello", "world"]);
        Assert.Equal(2, vectors.Count);
        Assert.Equal(chatModel!.EmbeddingLength, vectors[0].Length);
        Assert.Equal("gemma4-tiny-test", textEmbeddings.GetModelId());
    }

    [Fact]
    public void ObsoleteKernelBuilderNames_RegisterWhatTheNewNamesRegister()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(HostingModels.Configuration()).Build();
        var renamed = Kernel.CreateBuilder();
        renamed.AddGemma4ChatCompletion(configuration.GetSection("Gemma4"), serviceId: "gemma");
        renamed.AddGemma4TextEmbeddingGeneration(o => HostingModels.Configure(o), serviceId: "gemma");
        var old = Kernel.CreateBuilder();
#pragma warning disable CS0618 // the 0.1 names, kept as forwarders
        old.AddGemma4ChatClient(configuration.GetSection("Gemma4"), serviceId: "gemma");
        old.AddGemma4EmbeddingGenerator(o => HostingModels.Configure(o), serviceId: "gemma");
#pragma warning restore CS0618

        // The services a kernel resolves under the service id (the HTTP plumbing under them is keyed by generated names).
        static string[] Registrations(IKernelBuilder b) =>
            [.. b.Services.Where(d => d.IsKeyedService && Equals(d.ServiceKey, "gemma")).Select(d => $"{d.ServiceType.FullName} key={d.ServiceKey} {d.Lifetime}")];
        Assert.Contains(Registrations(old), r => r.StartsWith(typeof(IChatCompletionService).FullName + " key=gemma", StringComparison.Ordinal));
        Assert.Contains(Registrations(old), r => r.StartsWith(typeof(IEmbeddingGenerator<string, Embedding<float>>).FullName + " key=gemma", StringComparison.Ordinal));
        Assert.Equal(Registrations(renamed), Registrations(old));
    }
}
