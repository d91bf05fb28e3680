using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gemma4.AI.Tests.Remote;

/// <summary>Remote registrations without an engine: what is registered, and what validation says.</summary>
public sealed class RemoteRegistrationUnitTests
{
    [Fact]
    public void AddGemma4ChatClient_RemoteSetInCode_ResolvesTheRemoteClientWithoutContactingTheEngine()
    {
        var services = new ServiceCollection();
        services.AddGemma4ChatClient(o => o.Remote = new Gemma4RemoteOptions { Engine = Gemma4RemoteEngine.Ollama, Endpoint = new Uri("http://127.0.0.1:9"), Model = "gemma4:e4b" })
            .UseFunctionInvocation();
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IChatClient>();

        var remote = client.GetService<Gemma4RemoteChatClient>();
        Assert.NotNull(remote);
        Assert.Equal(new Uri("http://127.0.0.1:9/"), remote.Endpoint);
        Assert.Equal("ollama", client.GetService<ChatClientMetadata>()?.ProviderName);
        Assert.NotNull(client.GetService<FunctionInvokingChatClient>());
    }

    [Fact]
    public async Task StartupValidation_RemoteModelMissingForOllama_NamesTheConfigurationKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gemma4:ModelPath"] = "left-over.gguf", // ignored: the registration is remote
            ["Gemma4:Remote:Engine"] = "ollama",
            ["Gemma4:Remote:Endpoint"] = "http://127.0.0.1:11434",
        }).Build();
        var services = new ServiceCollection();
        services.AddGemma4ChatClient(configuration.GetSection("Gemma4"));
        using var provider = services.BuildServiceProvider();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));

        Assert.Contains("configuration key 'Gemma4:Remote:Model'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddGemma4EmbeddingGenerator_RemoteSection_ResolvesTheRemoteGeneratorWithItsSettings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["E:Remote:Engine"] = "LlamaServer",
            ["E:Remote:Endpoint"] = "http://127.0.0.1:9",
            ["E:Remote:Model"] = "embeddinggemma",
            ["E:Embeddings:Dimensions"] = "256",
        }).Build();
        var services = new ServiceCollection();
        services.AddGemma4EmbeddingGenerator(configuration.GetSection("E"));
        using var provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Assert.NotNull(generator.GetService<Gemma4RemoteEmbeddingGenerator>());
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal("llama.cpp", metadata?.ProviderName);
        Assert.Equal(256, metadata?.DefaultModelDimensions);
        Assert.Equal(new Uri("http://127.0.0.1:9/v1/"), metadata?.ProviderUri);
    }
}
