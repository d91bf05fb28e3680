using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gemma4.AspNet;

/// <summary>OpenTelemetry: GenAI spans and metrics from the MEAI pipeline plus ASP.NET Core's, exported over OTLP when configured.</summary>
internal static class Telemetry
{
    /// <summary>The ActivitySource and Meter the chat and embedding pipelines report to.</summary>
    public const string SourceName = "Gemma4.AspNet";

    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("Gemma4.AspNet"))
            .WithTracing(t => t.AddSource(SourceName).AddAspNetCoreInstrumentation())
            .WithMetrics(m => m.AddMeter(SourceName).AddAspNetCoreInstrumentation());

        // The standard variable (or configuration key) turns the exporter on, e.g. http://localhost:4317 for a collector.
        if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }
    }
}
