using Gemma4.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.SemanticKernel;

/// <summary>Adds Gemma 4 to a Semantic Kernel <see cref="IKernelBuilder"/> from a configuration section.</summary>
/// <remarks>
/// The same registrations as <see cref="Gemma4KernelBuilderExtensions"/>, with the model options bound from
/// configuration (as <c>OptionsConfigurationServiceCollectionExtensions</c> sits beside
/// <c>OptionsServiceCollectionExtensions</c>): a section such as <c>"Gemma4": { "ModelPath": … }</c>, with a
/// <c>Remote</c> sub-section to use a serving engine instead.
/// </remarks>
public static class Gemma4KernelBuilderConfigurationExtensions
{
    /// <summary>Adds a Gemma 4 chat completion service (and the chat client under it) bound from a configuration section.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configuration">The section: <see cref="Gemma4ModelOptions"/> settings, with <see cref="Gemma4ChatClientOptions"/> settings in its <c>Chat</c> sub-section.</param>
    /// <param name="serviceId">The SK service id; null registers the unkeyed services.</param>
    /// <param name="configureClient">Sets client options after binding.</param>
    /// <returns>The kernel builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configuration"/> is null.</exception>
    public static IKernelBuilder AddGemma4ChatCompletion(
        this IKernelBuilder builder,
        IConfiguration configuration,
        string? serviceId = null,
        Action<Gemma4ChatClientOptions>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddGemma4ChatCompletion(configuration, serviceId, configureClient);
        return builder;
    }

    /// <summary>Adds Gemma 4 embeddings (<see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> and the text embedding generation service) bound from a configuration section.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configuration">The section: <see cref="Gemma4ModelOptions"/> settings, with <see cref="Gemma4EmbeddingGeneratorOptions"/> settings in its <c>Embeddings</c> sub-section.</param>
    /// <param name="serviceId">The SK service id; null registers the unkeyed services.</param>
    /// <param name="configureGenerator">Sets generator options after binding.</param>
    /// <returns>The kernel builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configuration"/> is null.</exception>
    public static IKernelBuilder AddGemma4TextEmbeddingGeneration(
        this IKernelBuilder builder,
        IConfiguration configuration,
        string? serviceId = null,
        Action<Gemma4EmbeddingGeneratorOptions>? configureGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddGemma4TextEmbeddingGeneration(configuration, serviceId, configureGenerator);
        return builder;
    }
}
