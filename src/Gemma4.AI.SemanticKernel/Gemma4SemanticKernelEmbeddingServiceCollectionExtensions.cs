using Gemma4.AI;
using Gemma4.AI.SemanticKernel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.SemanticKernel.Embeddings;

namespace Microsoft.Extensions.DependencyInjection;

// ITextEmbeddingGenerationService is [Obsolete] and [Experimental("SKEXP0001")] in Semantic Kernel 1.82; it is still
// registered because existing SK code resolves it by name (see Gemma4TextEmbeddingGenerationService).
#pragma warning disable CS0618, SKEXP0001

/// <summary>Registers Gemma 4 embeddings as Semantic Kernel services in a service collection.</summary>
/// <remarks>
/// Registers, under <c>serviceId</c> (unkeyed when null), the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of the
/// core <c>AddGemma4EmbeddingGenerator</c> (model shared, loaded at host start, validated, disposed with the container;
/// or a remote engine when the section's <c>Remote</c> names one)
/// and a <see cref="Gemma4TextEmbeddingGenerationService"/> as <see cref="ITextEmbeddingGenerationService"/> over the
/// same generator.
/// </remarks>
public static class Gemma4SemanticKernelEmbeddingServiceCollectionExtensions
{
    /// <summary>Registers Gemma 4 text embedding generation whose model options are set in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configureModel">Sets the model options (at least <see cref="Gemma4ModelOptions.ModelPath"/>).</param>
    /// <param name="serviceId">The SK service id (the DI service key); null registers the unkeyed services.</param>
    /// <param name="configureGenerator">Sets the generator options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddGemma4TextEmbeddingGeneration(
        this IServiceCollection services,
        Action<Gemma4ModelOptions> configureModel,
        string? serviceId = null,
        Action<Gemma4EmbeddingGeneratorOptions>? configureGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configureModel);
        _ = serviceId is null
            ? services.AddGemma4EmbeddingGenerator(configureModel, configureGenerator)
            : services.AddKeyedGemma4EmbeddingGenerator(serviceId, configureModel, configureGenerator);
        return AddTextEmbeddingService(services, serviceId);
    }

    /// <summary>Registers Gemma 4 text embedding generation bound from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section: <see cref="Gemma4ModelOptions"/> settings, with <see cref="Gemma4EmbeddingGeneratorOptions"/> settings in its <c>Embeddings</c> sub-section.</param>
    /// <param name="serviceId">The SK service id (the DI service key); null registers the unkeyed services.</param>
    /// <param name="configureGenerator">Sets generator options after binding.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddGemma4TextEmbeddingGeneration(
        this IServiceCollection services,
        IConfiguration configuration,
        string? serviceId = null,
        Action<Gemma4EmbeddingGeneratorOptions>? configureGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        _ = serviceId is null
            ? services.AddGemma4EmbeddingGenerator(configuration, configureGenerator)
            : services.AddKeyedGemma4EmbeddingGenerator(serviceId, configuration, configureGenerator);
        return AddTextEmbeddingService(services, serviceId);
    }

    private static IServiceCollection AddTextEmbeddingService(IServiceCollection services, string? serviceId)
    {
        // Over the generator at the bottom of the registered pipeline (the service takes the concrete generator).
        services.AddKeyedSingleton<ITextEmbeddingGenerationService>(serviceId, static (sp, key) =>
        {
            var pipeline = sp.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(key);
            return pipeline.GetService<Gemma4RemoteEmbeddingGenerator>() is { } remote
                ? new Gemma4TextEmbeddingGenerationService(remote, options: null)
                : new Gemma4TextEmbeddingGenerationService(pipeline.GetRequiredService<Gemma4EmbeddingGenerator>());
        });
        return services;
    }
}
