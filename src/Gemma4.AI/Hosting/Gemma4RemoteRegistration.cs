using Gemma4.AI.Remote;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gemma4.AI.Hosting;

/// <summary>
/// The remote side of a registration: its HttpClient (from <c>IHttpClientFactory</c>, with the standard resilience
/// handler set from its <see cref="Gemma4RemoteOptions"/>) and its remote chat client or embedding generator.
/// </summary>
internal static class Gemma4RemoteRegistration
{
    /// <summary>Registers the registration's named HttpClient; its settings are read from the options when first created.</summary>
    /// <remarks>Every registration gets one, since whether it is remote is only known once its options are read.</remarks>
    public static void AddHttpClient(IServiceCollection services, Gemma4ModelRegistration registration)
    {
        services.AddHttpClient(RemoteHttp.ClientName(registration.OptionsName))
            .ConfigurePrimaryHttpMessageHandler(sp => RemoteHttp.CreatePrimaryHandler(OptionsOf(sp, registration)))
            .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan) // the resilience handler and the pipeline time requests
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) => RemoteHttp.Configure(resilience, OptionsOf(sp, registration)));
    }

    /// <summary>The registration's remote chat client, or null when it runs in-process.</summary>
    public static Gemma4RemoteChatClient? CreateChatClient(IServiceProvider services, Gemma4ModelRegistration registration, Gemma4ChatClientOptions clientOptions)
    {
        var registry = services.GetRequiredService<Gemma4ModelRegistry>();
        if (registry.GetRemote(registration) is not { } remote)
        {
            return null;
        }

        LogIgnoredSettings(services, registry, registration, remote);
        return new Gemma4RemoteChatClient(remote, clientOptions, HttpClient(services, registration), services.GetService<ILogger<Gemma4RemoteChatClient>>());
    }

    /// <summary>The registration's remote embedding generator, or null when it runs in-process.</summary>
    public static Gemma4RemoteEmbeddingGenerator? CreateEmbeddingGenerator(
        IServiceProvider services, Gemma4ModelRegistration registration, Gemma4EmbeddingGeneratorOptions generatorOptions)
    {
        var registry = services.GetRequiredService<Gemma4ModelRegistry>();
        if (registry.GetRemote(registration) is not { } remote)
        {
            return null;
        }

        LogIgnoredSettings(services, registry, registration, remote);
        return new Gemma4RemoteEmbeddingGenerator(remote, generatorOptions, HttpClient(services, registration), services.GetService<ILogger<Gemma4RemoteEmbeddingGenerator>>());
    }

    /// <summary>
    /// Probes the registration's engine (through the client the container built for it), within <paramref name="limit"/>;
    /// returns the engine's description.
    /// </summary>
    /// <exception cref="Gemma4RemoteException">The engine failed, lacks the model, or did not answer in time.</exception>
    public static async Task<string> ProbeAsync(IServiceProvider services, Gemma4ModelRegistration registration, TimeSpan limit, CancellationToken cancellationToken)
    {
        object? service = registration.Kind == Gemma4ModelKind.Chat
            ? Resolve<Microsoft.Extensions.AI.IChatClient>(services, registration)?.GetService(typeof(Gemma4RemoteChatClient))
            : Resolve<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(services, registration)?.GetService(typeof(Gemma4RemoteEmbeddingGenerator));
        Func<CancellationToken, Task<string>> probe = service switch
        {
            Gemma4RemoteChatClient chat => chat.ProbeAsync,
            Gemma4RemoteEmbeddingGenerator embeddings => embeddings.ProbeAsync,
            _ => throw new InvalidOperationException($"Gemma4 {registration.DisplayName}: the registered service is not a remote client (it was replaced?)."),
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            return await probe(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var remote = services.GetRequiredService<Gemma4ModelRegistry>().GetRemote(registration)!;
            throw new Gemma4RemoteException(
                $"{RemoteDialect.For(remote.Engine).DisplayName} at {remote.Endpoint} did not answer within {limit.TotalSeconds:0.#} s.", remote.Engine, remote.Endpoint, innerException: ex);
        }
    }

    private static T? Resolve<T>(IServiceProvider services, Gemma4ModelRegistration registration)
        where T : class =>
        registration.ServiceKey is null ? services.GetService<T>() : services.GetKeyedService<T>(registration.ServiceKey);

    private static HttpClient HttpClient(IServiceProvider services, Gemma4ModelRegistration registration) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(RemoteHttp.ClientName(registration.OptionsName));

    // The HttpClient's settings. Read without pinning or throwing: the factory also builds (and validates at start-up) the
    // clients of in-process and superseded registrations, whose options may be invalid; their own validation reports that.
    private static Gemma4RemoteOptions OptionsOf(IServiceProvider services, Gemma4ModelRegistration registration)
    {
        try
        {
            var options = services.GetRequiredService<IOptionsMonitor<Gemma4ModelOptions>>().Get(registration.OptionsName);
            if (options.Remote is { IsConfigured: true } remote && !registration.IsSuperseded)
            {
                remote.Validate();
                return remote;
            }

            return new Gemma4RemoteOptions();
        }
        catch (Exception ex) when (ex is OptionsValidationException or ArgumentException)
        {
            return new Gemma4RemoteOptions();
        }
    }

    // A ModelPath left in appsettings.json while the deployment switches to an engine is fine, but say so once.
    private static void LogIgnoredSettings(IServiceProvider services, Gemma4ModelRegistry registry, Gemma4ModelRegistration registration, Gemma4RemoteOptions remote)
    {
        if (registry.GetOptions(registration).ModelPath is { Length: > 0 } path && services.GetService<ILoggerFactory>() is { } loggers)
        {
            RemoteLog.LocalSettingsIgnored(loggers.CreateLogger(typeof(Gemma4RemoteRegistration)), registration.DisplayName, remote.Engine.ToString(), remote.Endpoint!, path);
        }
    }
}
