using Gemma4.AI.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gemma4.AI;

/// <summary>
/// Reports whether the Gemma 4 models registered with <c>AddGemma4ChatClient</c>/<c>AddGemma4EmbeddingGenerator</c>
/// are loaded: Healthy when all are, Degraded while one is still loading (or has not been asked for yet), and the
/// registration's failure status (Unhealthy by default) when an option is invalid or a load failed.
/// </summary>
/// <remarks>
/// The Add… methods register this check as a service; add it to ASP.NET Core health checks with
/// <c>services.AddHealthChecks().AddCheck&lt;Gemma4HealthCheck&gt;("gemma4")</c>. The report's data has one entry per
/// registration (<c>chat</c>, <c>embeddings[key]</c>, …) describing its model. The check never loads a model.
/// </remarks>
public sealed class Gemma4HealthCheck : IHealthCheck
{
    private readonly Gemma4ModelRegistry _registry;
    private readonly Gemma4ModelRegistration[] _registrations;

    internal Gemma4HealthCheck(Gemma4ModelRegistry registry, IEnumerable<Gemma4ModelRegistration> registrations)
    {
        _registry = registry;
        _registrations = [.. registrations];
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var worst = HealthStatus.Healthy;
        Exception? firstError = null;
        string? firstFailure = null;
        foreach (var registration in _registrations)
        {
            var state = _registry.GetState(registration, out var model, out var error);
            switch (state)
            {
                case Gemma4ModelState.Loaded:
                    data[registration.DisplayName] = $"loaded: {model!.ModelId} ({model.Architecture}, {model.Quantization}, context {model.ContextSize}) from {model.ModelPath}";
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

        var result = worst switch
        {
            HealthStatus.Healthy => HealthCheckResult.Healthy($"{_registrations.Length} Gemma 4 registration(s) loaded.", data),
            HealthStatus.Degraded when firstFailure is null => HealthCheckResult.Degraded("A Gemma 4 model is not loaded yet.", data: data),
            _ => new HealthCheckResult(worst, $"Gemma 4 {firstFailure} failed: {firstError!.Message}", firstError, data),
        };
        return Task.FromResult(result);
    }
}
