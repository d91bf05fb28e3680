using System.Numerics.Tensors;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Gemma4.AI.IntegrationTests.Hosting;

public sealed class EmbeddingRegistrationTests
{
    [Fact]
    public async Task AddGemma4EmbeddingGenerator_SameSectionAsChat_SharesTheModel()
    {
        using var host = TestHosts.Build(HostingModels.Configuration(), (s, c) =>
        {
            s.AddGemma4ChatClient(c.GetSection("Gemma4"));
            s.AddGemma4EmbeddingGenerator(c.GetSection("Gemma4"));
        });
        await host.StartAsync();

        var chat = host.Services.GetRequiredService<IChatClient>();
        var embeddings = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Assert.Same(chat.GetService<Gemma4Model>(), embeddings.GetService<Gemma4Model>());
        var vectors = await embeddings.GenerateAsync(["one", "two"]);
        Assert.Equal(2, vectors.Count);
        Assert.Equal(chat.GetService<Gemma4Model>()!.EmbeddingLength, vectors[0].Vector.Length);
        Assert.Equal("hi-1", (await chat.GetResponseAsync("hi", HostingModels.Forcing("hi-1"))).Text);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddKeyedGemma4EmbeddingGenerator_EmbeddingModel_ResolvesByKeyWithSubsectionOptions()
    {
        var config = HostingModels.Configuration("Docs", modelPath: HostingModels.EmbeddingModelPath);
        config["Docs:Embeddings:Dimensions"] = "32";
        using var host = TestHosts.Build(config, (s, c) => s.AddKeyedGemma4EmbeddingGenerator("docs", c.GetSection("Docs")));
        await host.StartAsync();

        var generator = host.Services.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("docs");
        var vector = (await generator.GenerateAsync(["hello"]))[0].Vector;

        Assert.Null(host.Services.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.True(generator.GetService<Gemma4Model>()!.IsEmbeddingModel);
        Assert.Equal(32, vector.Length);
        Assert.Equal(1f, TensorPrimitives.Norm(vector.Span), 3);
        await host.StopAsync();
    }

    [Fact]
    public async Task StartAsync_InvalidEmbeddingsSetting_FailsNamingTheKey()
    {
        var config = HostingModels.Configuration(modelPath: HostingModels.EmbeddingModelPath);
        config["Gemma4:Embeddings:MaxParallelSequences"] = "0";
        using var host = TestHosts.Build(config, (s, c) => s.AddGemma4EmbeddingGenerator(c.GetSection("Gemma4")));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        var message = TestHosts.AllMessages(ex);
        Assert.Contains("'Gemma4:Embeddings:MaxParallelSequences'", message, StringComparison.Ordinal);
        Assert.Contains("Gemma4EmbeddingGeneratorOptions.MaxParallelSequences must be between 1 and 256; got 0", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_DimensionsWiderThanTheModel_FailsNamingTheKey()
    {
        var config = HostingModels.Configuration("E", modelPath: HostingModels.EmbeddingModelPath);
        config["E:Embeddings:Dimensions"] = "100000";
        using var host = TestHosts.Build(config, (s, c) => s.AddGemma4EmbeddingGenerator(c.GetSection("E")));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        var message = TestHosts.AllMessages(ex);
        Assert.Contains("'E:Embeddings:Dimensions'", message, StringComparison.Ordinal);
        Assert.Contains("Gemma4EmbeddingGeneratorOptions.Dimensions must be between 1 and the model's width", message, StringComparison.Ordinal);
        Assert.Contains("100000", message, StringComparison.Ordinal);
    }
}
