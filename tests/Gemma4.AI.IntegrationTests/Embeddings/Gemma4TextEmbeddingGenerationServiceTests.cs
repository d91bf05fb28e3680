using Gemma4.AI.SemanticKernel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Embeddings;
using Microsoft.SemanticKernel.Services;

namespace Gemma4.AI.IntegrationTests.Embeddings;

// ITextEmbeddingGenerationService is obsolete and experimental in SK 1.82; this class tests our implementation of it.
#pragma warning disable CS0618, SKEXP0001

/// <summary>The Semantic Kernel service over the generator.</summary>
public sealed class Gemma4TextEmbeddingGenerationServiceTests(EmbeddingModelsFixture models) : IClassFixture<EmbeddingModelsFixture>
{
    [Fact]
    public async Task GenerateEmbeddingsAsync_ReturnsTheGeneratorsVectors()
    {
        using var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma);
        var service = new Gemma4TextEmbeddingGenerationService(generator);
        var texts = SampleTexts.Create(5);

        var vectors = await service.GenerateEmbeddingsAsync(texts);
        var expected = await generator.GenerateAsync(texts);

        Assert.Equal(5, vectors.Count);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(vectors[i].Span.SequenceEqual(expected[i].Vector.Span));
        }
    }

    [Fact]
    public async Task GenerateEmbeddingsAsync_WithOptions_AppliesDimensionsAndTask()
    {
        using var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma);
        var options = new EmbeddingGenerationOptions
        {
            Dimensions = 16,
            RawRepresentationFactory = _ => new Gemma4EmbeddingRequestOptions { Task = Gemma4EmbeddingTask.Query },
        };
        var service = new Gemma4TextEmbeddingGenerationService(generator, options);

        var vector = await service.GenerateEmbeddingAsync("What is the weather like in Paris today?");
        var expected = await generator.GenerateAsync(["What is the weather like in Paris today?"], options);

        Assert.Equal(16, vector.Length);
        Assert.True(vector.Span.SequenceEqual(expected[0].Vector.Span));
        Assert.Equal(16, service.GetDimensions());
    }

    [Fact]
    public void Attributes_CarryModelIdAndDimensions()
    {
        using var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma);

        var service = new Gemma4TextEmbeddingGenerationService(generator);

        Assert.Equal(models.EmbeddingModel.ModelId, service.GetModelId());
        Assert.Equal(generator.ModelDimensions, service.GetDimensions());
        Assert.Same(generator, service.Generator);
        Assert.Throws<NotSupportedException>(() => ((IDictionary<string, object?>)service.Attributes).Clear());
    }

    [Fact]
    public async Task Kernel_ResolvesTheServiceByInterface()
    {
        using var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma);
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton<ITextEmbeddingGenerationService>(new Gemma4TextEmbeddingGenerationService(generator));
        var kernel = builder.Build();

        var service = kernel.GetRequiredService<ITextEmbeddingGenerationService>();
        var vector = await service.GenerateEmbeddingAsync("The model answers.");

        Assert.Equal(generator.ModelDimensions, vector.Length);
    }

    [Fact]
    public async Task GenerateEmbeddingsAsync_Cancelled_Throws()
    {
        using var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma);
        var service = new Gemma4TextEmbeddingGenerationService(generator);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.GenerateEmbeddingsAsync(["a"], cancellationToken: new CancellationToken(true)));
    }

    [Fact]
    public void Constructor_NullGenerator_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new Gemma4TextEmbeddingGenerationService((Gemma4EmbeddingGenerator)null!));
}

#pragma warning restore CS0618, SKEXP0001
