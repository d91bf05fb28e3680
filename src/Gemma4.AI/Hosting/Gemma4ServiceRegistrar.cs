using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gemma4.AI.Hosting;

/// <summary>What every Add… method shares: named, validated options, the model registry, eager loading and the health check.</summary>
internal static class Gemma4ServiceRegistrar
{
    /// <summary>The sub-section of a model's configuration section that holds <see cref="Gemma4ChatClientOptions"/>.</summary>
    public const string ChatSection = "Chat";

    /// <summary>The sub-section of a model's configuration section that holds the embedding generator's options.</summary>
    public const string EmbeddingsSection = "Embeddings";

    private static int s_lastOptionsId;

    /// <summary>Registers the options of a registration set in code.</summary>
    public static Gemma4ModelRegistration Add<TClientOptions>(
        IServiceCollection services,
        Gemma4ModelKind kind,
        object? serviceKey,
        Action<Gemma4ModelOptions> configureModel,
        Action<TClientOptions>? configureClient)
        where TClientOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configureModel);
        var registration = NewRegistration(kind, serviceKey, configurationPath: null, unknownKeys: []);
        services.AddOptions<Gemma4ModelOptions>(registration.OptionsName).Configure(configureModel);
        AddClientOptions(services, registration, configuration: null, configureClient);
        return AddCore(services, registration);
    }

    /// <summary>Registers the options of a registration bound from a configuration section.</summary>
    /// <remarks>
    /// The section holds the model's settings; each consumer's own settings sit in its sub-section
    /// (<see cref="ChatSection"/>, <see cref="EmbeddingsSection"/>), so one section can describe a model that chat and
    /// embeddings share, and settings with the same name (Threads, BatchSize) never feed two meanings.
    /// </remarks>
    public static Gemma4ModelRegistration Add<TClientOptions>(
        IServiceCollection services,
        Gemma4ModelKind kind,
        object? serviceKey,
        IConfiguration configuration,
        Action<TClientOptions>? configureClient)
        where TClientOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var clientSection = configuration.GetSection(kind == Gemma4ModelKind.Chat ? ChatSection : EmbeddingsSection);

        // Only a section is checked for unknown keys: a root configuration also holds the application's other settings.
        var path = configuration is IConfigurationSection section ? section.Path : null;
        string[] unknown = path is null ? [] :
        [
            .. Gemma4UnknownConfigurationKeys.Find(configuration, typeof(Gemma4ModelOptions), ChatSection, EmbeddingsSection),
            .. Gemma4UnknownConfigurationKeys.Find(clientSection, typeof(TClientOptions)),
        ];
        var registration = NewRegistration(kind, serviceKey, path, unknown);
        services.AddOptions<Gemma4ModelOptions>(registration.OptionsName).Bind(configuration);
        AddClientOptions(services, registration, clientSection, configureClient);
        return AddCore(services, registration);
    }

    private static Gemma4ModelRegistration NewRegistration(Gemma4ModelKind kind, object? serviceKey, string? configurationPath, string[] unknownKeys)
    {
        // A fresh options name per call, so two registrations never merge each other's settings.
        var id = Interlocked.Increment(ref s_lastOptionsId);
        return new Gemma4ModelRegistration(kind, serviceKey, $"Gemma4.{kind}.{id}", configurationPath) { UnknownConfigurationKeys = unknownKeys };
    }

    private static void AddClientOptions<TClientOptions>(
        IServiceCollection services, Gemma4ModelRegistration registration, IConfiguration? configuration, Action<TClientOptions>? configure)
        where TClientOptions : class
    {
        var builder = services.AddOptions<TClientOptions>(registration.OptionsName);
        if (configuration is not null)
        {
            builder.Bind(configuration);
        }

        if (configure is not null)
        {
            builder.Configure(configure);
        }
    }

    private static Gemma4ModelRegistration AddCore(IServiceCollection services, Gemma4ModelRegistration registration)
    {
        // Registering the same kind and key again replaces the earlier registration wholly (the ConfigureTestServices
        // override pattern): its registration and service go, and its validators skip it, so its settings cannot fail
        // start-up, get loaded, or be resolved through GetServices.
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(Gemma4ModelRegistration)
                && services[i].ImplementationInstance is Gemma4ModelRegistration old
                && old.Kind == registration.Kind
                && Equals(old.ServiceKey, registration.ServiceKey))
            {
                services.RemoveAt(i);
                old.Supersede();
                if (old.ServiceDescriptor is { } descriptor)
                {
                    services.Remove(descriptor);
                }
            }
        }

        services.AddSingleton(registration);
        services.AddSingleton<IValidateOptions<Gemma4ModelOptions>>(new Gemma4ModelOptionsValidator(registration));
        services.AddOptions<Gemma4ModelOptions>(registration.OptionsName).ValidateOnStart();
        var paths = static (IServiceProvider sp, Gemma4ModelRegistration r) => new Gemma4ContentRootPaths(r.OptionsName, sp.GetService<IHostEnvironment>());
        services.AddSingleton<IPostConfigureOptions<Gemma4ModelOptions>>(sp => paths(sp, registration));
        services.AddSingleton<IPostConfigureOptions<Gemma4ChatClientOptions>>(sp => paths(sp, registration));

        Gemma4RemoteRegistration.AddHttpClient(services, registration);
        services.TryAddSingleton<Gemma4ModelRegistry>();
        services.TryAddSingleton(static sp => new Gemma4HealthCheck(
            sp.GetRequiredService<Gemma4ModelRegistry>(), sp.GetServices<Gemma4ModelRegistration>(), sp));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, Gemma4ModelLoadingService>());
        return registration;
    }

    /// <summary>
    /// Records the service descriptor that MEAI's Add… just added for <paramref name="registration"/>, so a replacing
    /// registration can remove it; returns MEAI's builder for the caller to hand on.
    /// </summary>
    public static TBuilder Track<TBuilder>(IServiceCollection services, Gemma4ModelRegistration registration, Type serviceType, TBuilder builder)
    {
        registration.ServiceDescriptor = services.Last(d => d.ServiceType == serviceType && Equals(d.ServiceKey, registration.ServiceKey));
        return builder;
    }
}
