using Gemma4.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Microsoft.SemanticKernel;

/// <summary>Adds Gemma 4 to a Semantic Kernel <see cref="IKernelBuilder"/>.</summary>
/// <remarks>
/// The names are those of Semantic Kernel's connectors and of this package's <see cref="IServiceCollection"/>
/// methods: <c>AddGemma4ChatCompletion</c> registers, under <c>serviceId</c>, the <see cref="IChatCompletionService"/>
/// and the <see cref="IChatClient"/> (with kernel function invocation) it runs over (see
/// <see cref="Gemma4SemanticKernelServiceCollectionExtensions"/>); <c>AddGemma4TextEmbeddingGeneration</c> registers
/// the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> and SK's text embedding generation service (see
/// <see cref="Gemma4SemanticKernelEmbeddingServiceCollectionExtensions"/>). The overloads that bind a configuration
/// section are in <see cref="Gemma4KernelBuilderConfigurationExtensions"/>.
/// </remarks>
public static class Gemma4KernelBuilderExtensions
{
    /// <summary>Adds a Gemma 4 chat completion service (and the chat client under it) whose model options are set in code.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configureModel">Sets the model options (at least <see cref="Gemma4ModelOptions.ModelPath"/>).</param>
    /// <param name="serviceId">The SK service id; null registers the unkeyed services.</param>
    /// <param name="configureClient">Sets the client options.</param>
    /// <returns>The kernel builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configureModel"/> is null.</exception>
    public static IKernelBuilder AddGemma4ChatCompletion(
        this IKernelBuilder builder,
        Action<Gemma4ModelOptions> configureModel,
        string? serviceId = null,
        Action<Gemma4ChatClientOptions>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddGemma4ChatCompletion(configureModel, serviceId, configureClient);
        return builder;
    }

    /// <summary>Adds Gemma 4 embeddings (<see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> and the text embedding generation service) whose model options are set in code.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configureModel">Sets the model options (at least <see cref="Gemma4ModelOptions.ModelPath"/>).</param>
    /// <param name="serviceId">The SK service id; null registers the unkeyed services.</param>
    /// <param name="configureGenerator">Sets the generator options.</param>
    /// <returns>The kernel builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configureModel"/> is null.</exception>
    public static IKernelBuilder AddGemma4TextEmbeddingGeneration(
        this IKernelBuilder builder,
        Action<Gemma4ModelOptions> configureModel,
        string? serviceId = null,
        Action<Gemma4EmbeddingGeneratorOptions>? configureGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddGemma4TextEmbeddingGeneration(configureModel, serviceId, configureGenerator);
        return builder;
    }

    /// <summary>The 0.1 name of <see cref="AddGemma4ChatCompletion(IKernelBuilder, Action{Gemma4ModelOptions}, string?, Action{Gemma4ChatClientOptions}?)"/>.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configureModel">Sets the model options.</param>
    /// <param name="serviceId">The SK service id.</param>
    /// <param name="configureClient">Sets the client options.</param>
    /// <returns>The kernel builder.</returns>
    [Obsolete("Use AddGemma4ChatCompletion, the name Semantic Kernel's connectors and IServiceCollection use; it registers the same services.")]
    public static IKernelBuilder AddGemma4ChatClient(
        this IKernelBuilder builder,
        Action<Gemma4ModelOptions> configureModel,
        string? serviceId = null,
        Action<Gemma4ChatClientOptions>? configureClient = null) =>
        builder.AddGemma4ChatCompletion(configureModel, serviceId, configureClient);

    /// <summary>The 0.1 name of <see cref="Gemma4KernelBuilderConfigurationExtensions.AddGemma4ChatCompletion(IKernelBuilder, IConfiguration, string?, Action{Gemma4ChatClientOptions}?)"/>.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <param name="serviceId">The SK service id.</param>
    /// <param name="configureClient">Sets client options after binding.</param>
    /// <returns>The kernel builder.</returns>
    [Obsolete("Use AddGemma4ChatCompletion, the name Semantic Kernel's connectors and IServiceCollection use; it registers the same services.")]
    public static IKernelBuilder AddGemma4ChatClient(
        this IKernelBuilder builder,
        IConfiguration configuration,
        string? serviceId = null,
        Action<Gemma4ChatClientOptions>? configureClient = null) =>
        builder.AddGemma4ChatCompletion(configuration, serviceId, configureClient);

    /// <summary>The 0.1 name of <see cref="AddGemma4TextEmbeddingGeneration(IKernelBuilder, Action{Gemma4ModelOptions}, string?, Action{Gemma4EmbeddingGeneratorOptions}?)"/>.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configureModel">Sets the model options.</param>
    /// <param name="serviceId">The SK service id.</param>
    /// <param name="configureGenerator">Sets the generator options.</param>
    /// <returns>The kernel builder.</returns>
    [Obsolete("Use AddGemma4TextEmbeddingGeneration, the name IServiceCollection uses; it registers the same services.")]
    public static IKernelBuilder AddGemma4EmbeddingGenerator(
        this IKernelBuilder builder,
        Action<Gemma4ModelOptions> configureModel,
        string? serviceId = null,
        Action<Gemma4EmbeddingGeneratorOptions>? configureGenerator = null) =>
        builder.AddGemma4TextEmbeddingGeneration(configureModel, serviceId, configureGenerator);

    /// <summary>The 0.1 name of <see cref="Gemma4KernelBuilderConfigurationExtensions.AddGemma4TextEmbeddingGeneration(IKernelBuilder, IConfiguration, string?, Action{Gemma4EmbeddingGeneratorOptions}?)"/>.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <param name="serviceId">The SK service id.</param>
    /// <param name="configureGenerator">Sets generator options after binding.</param>
    /// <returns>The kernel builder.</returns>
    [Obsolete("Use AddGemma4TextEmbeddingGeneration, the name IServiceCollection uses; it registers the same services.")]
    public static IKernelBuilder AddGemma4EmbeddingGenerator(
        this IKernelBuilder builder,
        IConfiguration configuration,
        string? serviceId = null,
        Action<Gemma4EmbeddingGeneratorOptions>? configureGenerator = null) =>
        builder.AddGemma4TextEmbeddingGeneration(configuration, serviceId, configureGenerator);
}
