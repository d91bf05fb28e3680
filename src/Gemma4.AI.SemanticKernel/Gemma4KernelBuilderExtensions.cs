using Gemma4.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Microsoft.SemanticKernel;

/// <summary>Adds Gemma 4 to a Semantic Kernel <see cref="IKernelBuilder"/>.</summary>
/// <remarks>
/// The chat methods register, under <c>serviceId</c>, an <see cref="IChatClient"/> with kernel function invocation and
/// the <see cref="IChatCompletionService"/> over it (see <see cref="Gemma4SemanticKernelServiceCollectionExtensions"/>);
/// the embedding methods register the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> and SK's text embedding
/// generation service (see <see cref="Gemma4SemanticKernelEmbeddingServiceCollectionExtensions"/>).
/// </remarks>
public static class Gemma4KernelBuilderExtensions
{
    /// <summary>Adds a Gemma 4 chat client (and chat completion service) whose model options are set in code.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configureModel">Sets the model options (at least <see cref="Gemma4ModelOptions.ModelPath"/>).</param>
    /// <param name="serviceId">The SK service id; null registers the unkeyed services.</param>
    /// <param name="configureClient">Sets the client options.</param>
    /// <returns>The kernel builder.</returns>
    public static IKernelBuilder AddGemma4ChatClient(
        this IKernelBuilder builder,
        Action<Gemma4ModelOptions> configureModel,
        string? serviceId = null,
        Action<Gemma4ChatClientOptions>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddGemma4ChatCompletion(configureModel, serviceId, configureClient);
        return builder;
    }

    /// <summary>Adds a Gemma 4 chat client (and chat completion service) bound from a configuration section.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configuration">The section: <see cref="Gemma4ModelOptions"/> settings, with <see cref="Gemma4ChatClientOptions"/> settings in its <c>Chat</c> sub-section.</param>
    /// <param name="serviceId">The SK service id; null registers the unkeyed services.</param>
    /// <param name="configureClient">Sets client options after binding.</param>
    /// <returns>The kernel builder.</returns>
    public static IKernelBuilder AddGemma4ChatClient(
        this IKernelBuilder builder,
        IConfiguration configuration,
        string? serviceId = null,
        Action<Gemma4ChatClientOptions>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddGemma4ChatCompletion(configuration, serviceId, configureClient);
        return builder;
    }

    /// <summary>Adds Gemma 4 embeddings (<see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> and the text embedding generation service) whose model options are set in code.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configureModel">Sets the model options (at least <see cref="Gemma4ModelOptions.ModelPath"/>).</param>
    /// <param name="serviceId">The SK service id; null registers the unkeyed services.</param>
    /// <param name="configureGenerator">Sets the generator options.</param>
    /// <returns>The kernel builder.</returns>
    public static IKernelBuilder AddGemma4EmbeddingGenerator(
        this IKernelBuilder builder,
        Action<Gemma4ModelOptions> configureModel,
        string? serviceId = null,
        Action<Gemma4EmbeddingGeneratorOptions>? configureGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddGemma4TextEmbeddingGeneration(configureModel, serviceId, configureGenerator);
        return builder;
    }

    /// <summary>Adds Gemma 4 embeddings bound from a configuration section.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configuration">The section: <see cref="Gemma4ModelOptions"/> settings, with <see cref="Gemma4EmbeddingGeneratorOptions"/> settings in its <c>Embeddings</c> sub-section.</param>
    /// <param name="serviceId">The SK service id; null registers the unkeyed services.</param>
    /// <param name="configureGenerator">Sets generator options after binding.</param>
    /// <returns>The kernel builder.</returns>
    public static IKernelBuilder AddGemma4EmbeddingGenerator(
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
