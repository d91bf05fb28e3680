using Gemma4.AI.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gemma4.AI;

/// <summary>
/// Reports whether the Gemma 4 models registered with <c>AddGemma4ChatClient</c>/<c>AddGemma4EmbeddingGenerator</c>
/// are ready: Healthy when all are, Degraded while one is still loading (or has not been asked for yet), and the
/// registration's failure status (Unhealthy by default) when an option is invalid, a load failed, or a remote engine
/// cannot be reached or does not serve its model.
/// </summary>
/// <remarks>
/// The Add… methods register this check as a service; add it to ASP.NET Core health checks with
/// <c>services.AddHealthChecks().AddCheck&lt;Gemma4HealthCheck&gt;("gemma4")</c>. The report's data has one entry per
/// registration (<c>chat</c>, <c>embeddings[key]</c>, …) describing its model or engine. The check never loads a
/// model; for a remote registration it asks the engine what it serves, and gives up after 10 seconds (or the
/// registration's timeout, if shorter), so an unreachable engine reports Unhealthy, naming its endpoint, instead of
/// hanging the check.
/// </remarks>
public sealed class Gemma4HealthCheck : IHealthCheck
{
    private static readonly TimeSpan RemoteLimit = TimeSpan.FromSeconds(10);

    private readonly Gemma4ModelRegistry _registry;
    private readonly Gemma4ModelRegistration[] _registrations;
    private readonly IServiceProvider _services;

    internal Gemma4HealthCheck(Gemma4ModelRegistry registry, IEnumerable<Gemma4ModelRegistration> registrations, IServiceProvider services)
    {
        _registry = registry;
        _registrations = [.. registrations];
        _services = services;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var worst = HealthStatus.Healthy;
        Exception? firstError = null;
        string? firstFailure = null;
        foreach (var registration in _registrations)
        {
            var (state, description, error) = await StateOfAsync(registration, cancellationToken).ConfigureAwait(false);
            switch (state)
            {
                case Gemma4ModelState.Loaded:
                    data[registration.DisplayName] = description!;
                    break;
                case Gemma4ModelState.Failed:
                    data[registration.DisplayName] = $"failed: {error!.Message}";
                    worst = context.Registration.FailureStatus;
                    firstError ??= error;
                    firstFailure ??= registration.DisplayName;
                    break;
                default:
                    data[registration.DisplayName] = state == Gemma4ModelState.Loading ? "loading" : "not loaded yet";
                    if (worst == HealthStatus.Healthy)
                    {
                        worst = HealthStatus.Degraded;
                    }

                    break;
            }
        }

        return worst switch
        {
            HealthStatus.Healthy => HealthCheckResult.Healthy($"{_registrations.Length} Gemma 4 registration(s) ready.", data),
            HealthStatus.Degraded when firstFailure is null => HealthCheckResult.Degraded("A Gemma 4 model is not loaded yet.", data: data),
            _ => new HealthCheckResult(worst, $"Gemma 4 {firstFailure} failed: {firstError!.Message}", firstError, data),
        };
    }

    private async Task<(Gemma4ModelState State, string? Description, Exception? Error)> StateOfAsync(Gemma4ModelRegistration registration, CancellationToken cancellationToken)
    {
        Gemma4RemoteOptions? remote;
        try
        {
            remote = _registry.GetRemote(registration);
        }
        catch (Exception ex) when (ex is Microsoft.Extensions.Options.OptionsValidationException or InvalidOperationException or ArgumentException)
        {
            return (Gemma4ModelState.Failed, null, ex);
        }

        if (remote is null)
        {
            var state = _registry.GetState(registration, out var model, out var error);
            return (state, model is null ? null : $"loaded: {model.ModelId} ({model.Architecture}, {model.Quantization}, context {model.ContextSize}) from {model.ModelPath}", error);
        }

        try
        {
            var limit = remote.Timeout < RemoteLimit ? remote.Timeout : RemoteLimit;
            var description = await Gemma4RemoteRegistration.ProbeAsync(_services, registration, limit, cancellationToken).ConfigureAwait(false);
            return (Gemma4ModelState.Loaded, "remote: " + description, null);
        }
        catch (Exception ex) when (ex is Gemma4RemoteException or InvalidOperationException or ArgumentException)
        {
            return (Gemma4ModelState.Failed, null, ex);
        }
    }
}
