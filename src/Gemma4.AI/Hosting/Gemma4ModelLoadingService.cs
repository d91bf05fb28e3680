using Gemma4.AI.Remote;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gemma4.AI.Hosting;

/// <summary>
/// Loads every registered model (and the LoRA adapters of chat registrations) and builds every embedding generator when
/// the host starts, so a missing file or a bad setting (one only the model can check, too) fails start-up instead of the
/// first request, and the first request does not pay for the load. Without a host, models load on first resolve.
/// Remote registrations are built and their engine probed instead: a model the engine does not serve (or a refused
/// key, or a wrong endpoint) stops start-up; an engine that cannot be reached is logged and left to the health check.
/// </summary>
internal sealed class Gemma4ModelLoadingService(
    Gemma4ModelRegistry registry,
    IEnumerable<Gemma4ModelRegistration> registrations,
    IOptionsMonitor<Gemma4ChatClientOptions> chatOptions,
    IServiceProvider services) : IHostedService
{
    // Long enough for an engine that is up; short enough that a host does not stall on one that is not.
    private static readonly TimeSpan ProbeLimit = TimeSpan.FromSeconds(30);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // One at a time: two large models loading together would peak at both files' memory for no gain.
        foreach (var registration in registrations)
        {
            if (registry.GetRemote(registration) is { } remote)
            {
                await StartRemoteAsync(registration, remote, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var model = await registry.GetModelAsync(registration, cancellationToken).ConfigureAwait(false);
            if (registration.Kind == Gemma4ModelKind.Chat)
            {
                foreach (var adapter in chatOptions.Get(registration.OptionsName).LoraAdapters ?? [])
                {
                    await model.LoadAdapterAsync(adapter.Path, adapter.Name, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                // The generator (a singleton) creates its embedding context now and checks Dimensions against the model.
                _ = Resolve(registration);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task StartRemoteAsync(Gemma4ModelRegistration registration, Gemma4RemoteOptions remote, CancellationToken cancellationToken)
    {
        _ = Resolve(registration); // builds the client: settings it cannot honour fail now
        if (!remote.ProbeOnStart)
        {
            return;
        }

        var logger = services.GetService<ILoggerFactory>()?.CreateLogger<Gemma4ModelLoadingService>() ?? NullLogger<Gemma4ModelLoadingService>.Instance;
        var limit = remote.Timeout < ProbeLimit ? remote.Timeout : ProbeLimit;
        try
        {
            var description = await Gemma4RemoteRegistration.ProbeAsync(services, registration, limit, cancellationToken).ConfigureAwait(false);
            RemoteLog.Probed(logger, registration.DisplayName, description);
        }
        catch (Gemma4RemoteException ex) when (ex.StatusCode is { } status && (int)status is >= 400 and < 500)
        {
            // The engine answered: the model, key or endpoint is wrong, and every request would fail the same way.
            throw new Gemma4RemoteException($"Gemma4 {registration.DisplayName}: {ex.Message}", ex.Engine, ex.Endpoint, ex.StatusCode, ex) { ErrorCode = ex.ErrorCode };
        }
        catch (Gemma4RemoteException ex)
        {
            RemoteLog.Unreachable(logger, registration.DisplayName, ex.Engine.ToString(), remote.Endpoint!, ex.Message);
        }
    }

    private object? Resolve(Gemma4ModelRegistration registration) => registration.Kind == Gemma4ModelKind.Chat
        ? registration.ServiceKey is null ? services.GetService<IChatClient>() : services.GetKeyedService<IChatClient>(registration.ServiceKey)
        : registration.ServiceKey is null
            ? services.GetService<IEmbeddingGenerator<string, Embedding<float>>>()
            : services.GetKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(registration.ServiceKey);
}
