using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gemma4.AI.Hosting;

/// <summary>
/// Loads every registered model (and the LoRA adapters of chat registrations) and builds every embedding generator when
/// the host starts, so a missing file or a bad setting (one only the model can check, too) fails start-up instead of the
/// first request, and the first request does not pay for the load. Without a host, models load on first resolve.
/// </summary>
internal sealed class Gemma4ModelLoadingService(
    Gemma4ModelRegistry registry,
    IEnumerable<Gemma4ModelRegistration> registrations,
    IOptionsMonitor<Gemma4ChatClientOptions> chatOptions,
    IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // One at a time: two large models loading together would peak at both files' memory for no gain.
        foreach (var registration in registrations)
        {
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
                _ = registration.ServiceKey is null
                    ? services.GetService<IEmbeddingGenerator<string, Embedding<float>>>()
                    : services.GetKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(registration.ServiceKey);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
