using Gemma4.AI;
using Gemma4.AI.SemanticKernel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Gemma 4 as Semantic Kernel services in a service collection.</summary>
/// <remarks>
/// <para>The chat client is registered under <c>serviceId</c> (unkeyed when null) twice over one pipeline: as
/// <see cref="IChatClient"/> (logging when an <see cref="ILoggerFactory"/> is registered, then SK's kernel function
/// invocation, then <see cref="Gemma4ChatClient"/>) and as <see cref="IChatCompletionService"/> (SK's
/// <c>AsChatCompletionService</c> over that client, whose replies also carry <c>Metadata["FinishReason"]</c>), so <c>FunctionChoiceBehavior.Auto()</c>/<c>Required()</c> call kernel
/// plugins and auto-invocation filters run.</para>
/// <para>Model loading, sharing, start-up validation and the health check are those of the core
/// <c>AddGemma4ChatClient</c>: the model is a container singleton shared by registrations with equal options; a
/// <c>Remote</c> section makes the same call use a serving engine (<see cref="Gemma4RemoteChatClient"/>).</para>
/// </remarks>
public static class Gemma4SemanticKernelServiceCollectionExtensions
{
    /// <summary>Registers a Gemma 4 chat completion service whose model options are set in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configureModel">Sets the model options (at least <see cref="Gemma4ModelOptions.ModelPath"/>).</param>
    /// <param name="serviceId">The SK service id (the DI service key); null registers the unkeyed services.</param>
    /// <param name="configureClient">Sets the client options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddGemma4ChatCompletion(
        this IServiceCollection services,
        Action<Gemma4ModelOptions> configureModel,
        string? serviceId = null,
        Action<Gemma4ChatClientOptions>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configureModel);
        var pipeline = serviceId is null
            ? services.AddGemma4ChatClient(configureModel, configureClient)
            : services.AddKeyedGemma4ChatClient(serviceId, configureModel, configureClient);
        return AddKernelServices(services, pipeline, serviceId);
    }

    /// <summary>Registers a Gemma 4 chat completion service bound from a configuration section such as <c>"Gemma4": { "ModelPath": … }</c>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section: <see cref="Gemma4ModelOptions"/> settings, with <see cref="Gemma4ChatClientOptions"/> settings in its <c>Chat</c> sub-section.</param>
    /// <param name="serviceId">The SK service id (the DI service key); null registers the unkeyed services.</param>
    /// <param name="configureClient">Sets client options after binding.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddGemma4ChatCompletion(
        this IServiceCollection services,
        IConfiguration configuration,
        string? serviceId = null,
        Action<Gemma4ChatClientOptions>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var pipeline = serviceId is null
            ? services.AddGemma4ChatClient(configuration, configureClient)
            : services.AddKeyedGemma4ChatClient(serviceId, configuration, configureClient);
        return AddKernelServices(services, pipeline, serviceId);
    }

    private static IServiceCollection AddKernelServices(IServiceCollection services, ChatClientBuilder pipeline, string? serviceId)
    {
        // Outermost first: logging sees the whole exchange, kernel function invocation loops over Gemma4ChatClient.
        pipeline
            .Use(static (inner, sp) => sp.GetService<ILoggerFactory>() is { } loggerFactory
                ? inner.AsBuilder().UseLogging(loggerFactory).Build(sp)
                : inner)
            .UseKernelFunctionInvocation();

        // A null key registers (and resolves) the unkeyed service. The finish reason is added for SK's Metadata only,
        // so the IChatClient registration keeps MEAI's plain messages.
        services.AddKeyedSingleton<IChatCompletionService>(serviceId, static (sp, key) =>
            new FinishReasonMetadataChatClient(sp.GetRequiredKeyedService<IChatClient>(key)).AsChatCompletionService(sp));
        return services;
    }
}
