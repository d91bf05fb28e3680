using Gemma4.AI;
using Gemma4.AI.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a Gemma 4 <see cref="IChatClient"/> in a service collection.</summary>
/// <remarks>
/// <para>Each method wraps MEAI's <c>AddChatClient</c>/<c>AddKeyedChatClient</c> (a singleton) and returns its
/// <see cref="ChatClientBuilder"/>, so middleware chains on: <c>.UseFunctionInvocation().UseOpenTelemetry().UseLogging()</c>.</para>
/// <para>The model is a singleton owned by the container: registrations whose <see cref="Gemma4ModelOptions"/> are equal
/// (same file after path normalisation, same settings) share one loaded <see cref="Gemma4Model"/>, chat and embeddings
/// alike, and it is disposed with the container. When a host runs, every registered model is loaded at start-up, so a
/// missing file or a bad setting stops the host with a message naming it; without a host the model loads on first
/// resolve. Options are validated at start-up (ValidateOnStart) and on first use. Models are not hot-reloadable: the
/// model options are read once, when the model is first loaded, and a configuration reload (appsettings.json changed on
/// disk) neither reloads the model nor changes what the registration uses; restart the host to apply new settings.</para>
/// <para>Remote: when the model options' <see cref="Gemma4ModelOptions.Remote"/> section names an endpoint
/// (<c>"Gemma4": { "Remote": { "Engine": "Vllm", "Endpoint": …, "Model": … } }</c>), the same call registers a
/// <see cref="Gemma4RemoteChatClient"/> instead, on an HttpClient from <c>IHttpClientFactory</c> with the standard
/// resilience handler, behind the same builder; start-up probes the engine instead of loading a file.</para>
/// <para>Also registers <see cref="Gemma4HealthCheck"/>; add it with <c>AddHealthChecks().AddCheck&lt;Gemma4HealthCheck&gt;("gemma4")</c>.
/// Logging goes to the container's <see cref="ILoggerFactory"/>.</para>
/// </remarks>
public static class Gemma4ChatClientServiceCollectionExtensions
{
    // The MEAI service each Add… registers, tracked so registering the same key again can remove it.
    private static readonly Type Service = typeof(IChatClient);

    /// <summary>Registers a Gemma 4 chat client whose model options are set in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configureModel">Sets the model options (at least <see cref="Gemma4ModelOptions.ModelPath"/>).</param>
    /// <param name="configureClient">Sets the client options; <see cref="Gemma4ChatClientOptions.OwnsModel"/> is ignored (the container owns the model).</param>
    /// <returns>The builder of the registered client's pipeline.</returns>
    public static ChatClientBuilder AddGemma4ChatClient(
        this IServiceCollection services,
        Action<Gemma4ModelOptions> configureModel,
        Action<Gemma4ChatClientOptions>? configureClient = null)
    {
        var registration = Gemma4ServiceRegistrar.Add(services, Gemma4ModelKind.Chat, null, configureModel, configureClient);
        AddValidation(services, registration);
        return Gemma4ServiceRegistrar.Track(services, registration, Service, services.AddChatClient(sp => CreateClient(sp, registration)));
    }

    /// <summary>Registers a Gemma 4 chat client bound from a configuration section such as <c>"Gemma4": { "ModelPath": …, "ContextSize": … }</c>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section: <see cref="Gemma4ModelOptions"/> settings, with <see cref="Gemma4ChatClientOptions"/> settings in its <c>Chat</c> sub-section; unknown keys fail validation.</param>
    /// <param name="configureClient">Sets client options after binding.</param>
    /// <returns>The builder of the registered client's pipeline.</returns>
    public static ChatClientBuilder AddGemma4ChatClient(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<Gemma4ChatClientOptions>? configureClient = null)
    {
        var registration = Gemma4ServiceRegistrar.Add(services, Gemma4ModelKind.Chat, null, configuration, configureClient);
        AddValidation(services, registration);
        return Gemma4ServiceRegistrar.Track(services, registration, Service, services.AddChatClient(sp => CreateClient(sp, registration)));
    }

    /// <summary>Registers a Gemma 4 chat client under a service key, with model options set in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key to resolve the client with (<c>[FromKeyedServices]</c>, <c>GetRequiredKeyedService</c>).</param>
    /// <param name="configureModel">Sets the model options (at least <see cref="Gemma4ModelOptions.ModelPath"/>).</param>
    /// <param name="configureClient">Sets the client options; <see cref="Gemma4ChatClientOptions.OwnsModel"/> is ignored.</param>
    /// <returns>The builder of the registered client's pipeline.</returns>
    public static ChatClientBuilder AddKeyedGemma4ChatClient(
        this IServiceCollection services,
        object serviceKey,
        Action<Gemma4ModelOptions> configureModel,
        Action<Gemma4ChatClientOptions>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        var registration = Gemma4ServiceRegistrar.Add(services, Gemma4ModelKind.Chat, serviceKey, configureModel, configureClient);
        AddValidation(services, registration);
        return Gemma4ServiceRegistrar.Track(services, registration, Service, services.AddKeyedChatClient(serviceKey, sp => CreateClient(sp, registration)));
    }

    /// <summary>Registers a Gemma 4 chat client under a service key, bound from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key to resolve the client with.</param>
    /// <param name="configuration">The section: <see cref="Gemma4ModelOptions"/> settings, with <see cref="Gemma4ChatClientOptions"/> settings in its <c>Chat</c> sub-section.</param>
    /// <param name="configureClient">Sets client options after binding.</param>
    /// <returns>The builder of the registered client's pipeline.</returns>
    public static ChatClientBuilder AddKeyedGemma4ChatClient(
        this IServiceCollection services,
        object serviceKey,
        IConfiguration configuration,
        Action<Gemma4ChatClientOptions>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        var registration = Gemma4ServiceRegistrar.Add(services, Gemma4ModelKind.Chat, serviceKey, configuration, configureClient);
        AddValidation(services, registration);
        return Gemma4ServiceRegistrar.Track(services, registration, Service, services.AddKeyedChatClient(serviceKey, sp => CreateClient(sp, registration)));
    }

    private static void AddValidation(IServiceCollection services, Gemma4ModelRegistration registration)
    {
        services.AddSingleton<IValidateOptions<Gemma4ChatClientOptions>>(
            new Gemma4ClientOptionsValidator<Gemma4ChatClientOptions>(registration, Gemma4ServiceRegistrar.ChatSection, static o => o.Validate()));
        services.AddOptions<Gemma4ChatClientOptions>(registration.OptionsName).ValidateOnStart();
    }

    private static IChatClient CreateClient(IServiceProvider services, Gemma4ModelRegistration registration)
    {
        var configured = services.GetRequiredService<IOptionsMonitor<Gemma4ChatClientOptions>>().Get(registration.OptionsName);
        if (Gemma4RemoteRegistration.CreateChatClient(services, registration, configured) is { } remote)
        {
            return remote;
        }

        var model = services.GetRequiredService<Gemma4ModelRegistry>().GetModel(registration);
        var options = new Gemma4ChatClientOptions
        {
            DefaultGenerationOptions = configured.DefaultGenerationOptions,
            PreserveThinking = configured.PreserveThinking,
            ContextOverflow = configured.ContextOverflow,
            LoraAdapters = configured.LoraAdapters, // loaded at host start-up already (Gemma4ModelLoadingService): shared by name
            OwnsModel = false, // the registry owns it: other registrations may share it
        };
        return new Gemma4ChatClient(model, options, services.GetService<ILogger<Gemma4ChatClient>>());
    }
}
