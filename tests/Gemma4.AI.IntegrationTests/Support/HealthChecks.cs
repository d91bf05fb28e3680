using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gemma4.AI.IntegrationTests.Support;

internal static class HealthChecks
{
    /// <summary>A context as ASP.NET Core's health check service builds it (failure status Unhealthy).</summary>
    public static HealthCheckContext Context(IHealthCheck? check = null) => new()
    {
        Registration = new HealthCheckRegistration("gemma4", check ?? new NoCheck(), HealthStatus.Unhealthy, tags: null),
    };

    private sealed class NoCheck : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(HealthCheckResult.Healthy());
    }
}
