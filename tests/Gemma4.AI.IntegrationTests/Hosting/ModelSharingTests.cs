using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gemma4.AI.IntegrationTests.Hosting;

public sealed class ModelSharingTests
{
    [Fact]
    public async Task AddKeyedGemma4ChatClient_TwoKeys_ResolveSeparatelyAndAnswer()
    {
        var config = HostingModels.Configuration("Fast");
        foreach (var (k, v) in HostingModels.Configuration("Long"))
        {
            config[k] = v;
        }

        config["Long:ContextSize"] = "4096";
        using var host = TestHosts.Build(config, (s, c) =>
        {
            s.AddKeyedGemma4ChatClient("fast", c.GetSection("Fast"));
            s.AddKeyedGemma4ChatClient("long", c.GetSection("Long"));
        });
        await host.StartAsync();

        var fast = host.Services.GetRequiredKeyedService<IChatClient>("fast");
        var longer = host.Services.GetRequiredKeyedService<IChatClient>("long");

        Assert.Null(host.Services.GetService<IChatClient>());
        Assert.Equal(2048, fast.GetService<Gemma4Model>()!.ContextSize);
        Assert.Equal(4096, longer.GetService<Gemma4Model>()!.ContextSize);
        Assert.Equal("fast-1", (await fast.GetResponseAsync("hi", HostingModels.Forcing("fast-1"))).Text);
        Assert.Equal("long-1", (await longer.GetResponseAsync("hi", HostingModels.Forcing("long-1"))).Text);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddGemma4ChatClient_SameFileAndSettings_ShareOneModel()
    {
        var config = HostingModels.Configuration();
        // The same file through another spelling of its path still shares the model.
        var path = HostingModels.ChatModelPath;
        var respelt = Path.Combine(Path.GetDirectoryName(path)!, ".", Path.GetFileName(path));
        config["Other:ModelPath"] = respelt;
        foreach (var (k, v) in HostingModels.Configuration("Other").Where(kv => !kv.Key.EndsWith("ModelPath", StringComparison.Ordinal)))
        {
            config[k] = v;
        }

        using var host = TestHosts.Build(config, (s, c) =>
        {
            s.AddGemma4ChatClient(c.GetSection("Gemma4"));
            s.AddKeyedGemma4ChatClient("other", c.GetSection("Other"));
            s.AddKeyedGemma4ChatClient("code", o => HostingModels.Configure(o));
        });
        await host.StartAsync();

        var model = host.Services.GetRequiredService<IChatClient>().GetService<Gemma4Model>();
        Assert.NotNull(model);
        Assert.Same(model, host.Services.GetRequiredKeyedService<IChatClient>("other").GetService<Gemma4Model>());
        Assert.Same(model, host.Services.GetRequiredKeyedService<IChatClient>("code").GetService<Gemma4Model>());
        await host.StopAsync();
    }

    [Fact]
    public async Task ConfigurationReload_KeepsTheLoadedModelAndHealthy()
    {
        using var host = TestHosts.Build(HostingModels.Configuration(), (s, c) =>
        {
            s.AddGemma4ChatClient(c.GetSection("Gemma4"));
            s.AddKeyedGemma4ChatClient("late", c.GetSection("Gemma4"));
        });
        await host.StartAsync();
        var model = host.Services.GetRequiredService<IChatClient>().GetService<Gemma4Model>();
        var health = host.Services.GetRequiredService<Gemma4HealthCheck>();

        // appsettings.json edited while serving: the options monitor now sees another ContextSize.
        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        configuration["Gemma4:ContextSize"] = "1024";
        configuration.Reload();

        var result = await health.CheckHealthAsync(HealthChecks.Context());
        Assert.Equal(HealthStatus.Healthy, result.Status);
        // A client first resolved after the reload still gets the model loaded at start-up, not a second copy.
        var late = host.Services.GetRequiredKeyedService<IChatClient>("late").GetService<Gemma4Model>();
        Assert.Same(model, late);
        Assert.Equal(2048, late!.ContextSize);
        await host.StopAsync();
    }

    [Fact]
    public void Resolve_LogsLoadThroughTheContainersLoggerFactory()
    {
        var logs = new LogCapture();
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(logs);
        services.AddGemma4ChatClient(o => HostingModels.Configure(o));
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IChatClient>();

        Assert.Contains(logs.Entries, e => e.Category == "Gemma4.AI.Hosting.Gemma4ModelRegistry" && e.Message.Contains(HostingModels.ChatModelPath, StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Category == "Gemma4.AI.Gemma4Model" && e.Message.StartsWith("Loaded gemma4-tiny-test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DisposeContainer_DisposesTheModel()
    {
        var services = new ServiceCollection();
        services.AddGemma4ChatClient(o => HostingModels.Configure(o));
        var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IChatClient>();
        var model = client.GetService<Gemma4Model>()!;
        Assert.True(model.CountTokens("hello") > 0);

        await provider.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => model.CountTokens("hello"));
    }

    [Fact]
    public async Task Gemma4HealthCheck_ReportsNotLoadedLoadedAndFailed()
    {
        var services = new ServiceCollection();
        services.AddKeyedGemma4ChatClient("good", o => HostingModels.Configure(o));
        services.AddKeyedGemma4ChatClient("bad", o => HostingModels.Configure(o, modelPath: "/no/such/model.gguf"));
        services.AddLogging();
        services.AddHealthChecks().AddCheck<Gemma4HealthCheck>("gemma4");
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();

        var before = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, before.Status);
        Assert.Equal("not loaded yet", before.Entries["gemma4"].Data["chat[good]"]);

        provider.GetRequiredKeyedService<IChatClient>("good");
        Assert.Throws<Gemma4ModelLoadException>(() => provider.GetRequiredKeyedService<IChatClient>("bad"));
        var after = await health.CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, after.Status);
        var entry = after.Entries["gemma4"];
        Assert.StartsWith("loaded: gemma4-tiny-test", (string)entry.Data["chat[good]"], StringComparison.Ordinal);
        Assert.StartsWith("failed: ", (string)entry.Data["chat[bad]"], StringComparison.Ordinal);
        Assert.IsType<Gemma4ModelLoadException>(entry.Exception);
    }

    [Fact]
    public async Task Gemma4HealthCheck_AllLoaded_IsHealthy()
    {
        var services = new ServiceCollection();
        services.AddGemma4ChatClient(new ConfigurationBuilder().AddInMemoryCollection(HostingModels.Configuration()).Build().GetSection("Gemma4"));
        services.AddLogging();
        services.AddHealthChecks().AddCheck<Gemma4HealthCheck>("gemma4");
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IChatClient>();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Status);
    }
}
