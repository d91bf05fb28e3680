using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gemma4.AI.IntegrationTests.Support;

/// <summary>Generic hosts for hosting tests: in-memory configuration only (no environment or files).</summary>
internal static class TestHosts
{
    public static IHost Build(IEnumerable<KeyValuePair<string, string?>> configuration, Action<IServiceCollection, IConfiguration> register)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddLogging();
        register(builder.Services, builder.Configuration);
        return builder.Build();
    }

    /// <summary>Every message of an exception and its inner/aggregated exceptions, joined.</summary>
    public static string AllMessages(Exception ex) => ex switch
    {
        AggregateException a => string.Join(" | ", a.InnerExceptions.Select(AllMessages)),
        { InnerException: { } inner } => ex.Message + " | " + AllMessages(inner),
        _ => ex.Message,
    };
}
