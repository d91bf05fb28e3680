using Gemma4.AI.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gemma4.AI.Tests.Hosting;

public sealed class Gemma4ClientOptionsValidatorTests
{
    [Fact]
    public void Validate_BadGeneratorSettingFromConfiguration_NamesTheSubsectionKey()
    {
        var registration = new Gemma4ModelRegistration(Gemma4ModelKind.Embedding, "docs", "Gemma4.Embedding.7", "Docs");
        var validator = new Gemma4ClientOptionsValidator<Gemma4EmbeddingGeneratorOptions>(registration, "Embeddings", static o => o.Validate());

        var result = validator.Validate("Gemma4.Embedding.7", new Gemma4EmbeddingGeneratorOptions { Dimensions = 0 });

        Assert.Equal(
            "Gemma4 embeddings[docs] (configuration key 'Docs:Embeddings:Dimensions'): Gemma4EmbeddingGeneratorOptions.Dimensions must be at least 1 (or null for the model's width); got 0.",
            result.FailureMessage);
        Assert.True(validator.Validate("other", new Gemma4EmbeddingGeneratorOptions { Dimensions = 0 }).Skipped);
    }

    [Fact]
    public void Resolve_InvalidGeneratorOptions_ThrowsBeforeLoading()
    {
        var services = new ServiceCollection();
        services.AddGemma4EmbeddingGenerator(o => o.ModelPath = "/never/loaded.gguf", g => g.MaxParallelSequences = 0);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(
            () => provider.GetRequiredService<IOptionsMonitor<Gemma4EmbeddingGeneratorOptions>>().Get(provider.GetRequiredService<Gemma4ModelRegistration>().OptionsName));

        Assert.Contains("Gemma4EmbeddingGeneratorOptions.MaxParallelSequences must be between 1 and 256; got 0", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(services.Single(d => d.ServiceType == typeof(IEmbeddingGenerator<string, Embedding<float>>)));
    }
}
