using Gemma4.AI.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gemma4.AI.Tests.Hosting;

/// <summary>Registration shape and failure paths; nothing here loads a model.</summary>
public sealed class Gemma4ServiceRegistrationTests
{
    [Fact]
    public void AddGemma4ChatClient_RegistersClientRegistryHealthCheckAndOneLoader()
    {
        var services = new ServiceCollection();
        services.AddGemma4ChatClient(o => o.ModelPath = "a.gguf");
        services.AddKeyedGemma4ChatClient("b", o => o.ModelPath = "b.gguf");

        Assert.Contains(services, d => d.ServiceType == typeof(IChatClient) && !d.IsKeyedService);
        Assert.Contains(services, d => d.ServiceType == typeof(IChatClient) && d.IsKeyedService && Equals(d.ServiceKey, "b"));
        Assert.Single(services, d => d.ServiceType == typeof(Gemma4ModelRegistry));
        Assert.Single(services, d => d.ServiceType == typeof(Gemma4HealthCheck));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Equal(2, services.Count(d => d.ServiceType == typeof(Gemma4ModelRegistration)));
    }

    [Fact]
    public void RelativePaths_ResolveAgainstTheHostContentRoot_AbsoluteOnesAndHostlessOnesStay()
    {
        var root = Path.Combine(Path.GetTempPath(), "gemma4-content-root");
        var absolute = Path.Combine(Path.GetTempPath(), "elsewhere", "model.gguf");
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new ContentRoot(root));
        services.AddKeyedGemma4ChatClient("rel", o =>
        {
            o.ModelPath = Path.Combine("models", "gemma.gguf");
            o.PrefixCacheDirectory = "cache";
        }, c => c.LoraAdapters.Add(new Gemma4LoraAdapterOptions { Path = "medical.gguf" }));
        services.AddKeyedGemma4ChatClient("abs", o => o.ModelPath = absolute);
        using var provider = services.BuildServiceProvider();
        var registrations = provider.GetServices<Gemma4ModelRegistration>().ToDictionary(r => (string)r.ServiceKey!);

        var rel = provider.GetRequiredService<IOptionsMonitor<Gemma4ModelOptions>>().Get(registrations["rel"].OptionsName);
        var chat = provider.GetRequiredService<IOptionsMonitor<Gemma4ChatClientOptions>>().Get(registrations["rel"].OptionsName);
        var abs = provider.GetRequiredService<IOptionsMonitor<Gemma4ModelOptions>>().Get(registrations["abs"].OptionsName);

        Assert.Equal(Path.Combine(root, "models", "gemma.gguf"), rel.ModelPath);
        Assert.Equal(Path.Combine(root, "cache"), rel.PrefixCacheDirectory);
        Assert.Equal(Path.Combine(root, "medical.gguf"), Assert.Single(chat.LoraAdapters).Path);
        Assert.Equal(absolute, abs.ModelPath);

        var hostless = new ServiceCollection();
        hostless.AddGemma4ChatClient(o => o.ModelPath = "model.gguf");
        using var hostlessProvider = hostless.BuildServiceProvider();
        var registration = Assert.Single(hostlessProvider.GetServices<Gemma4ModelRegistration>());
        Assert.Equal("model.gguf", hostlessProvider.GetRequiredService<IOptionsMonitor<Gemma4ModelOptions>>().Get(registration.OptionsName).ModelPath);
    }

    [Fact]
    public void AddKeyedGemma4ChatClient_SameKeyTwice_KeepsTheLastRegistration()
    {
        var services = new ServiceCollection();
        services.AddKeyedGemma4ChatClient("k", o => o.ModelPath = "first.gguf");
        services.AddKeyedGemma4ChatClient("k", o => o.ModelPath = "second.gguf");
        using var provider = services.BuildServiceProvider();

        var registration = Assert.Single(provider.GetServices<Gemma4ModelRegistration>());
        Assert.Equal("second.gguf", provider.GetRequiredService<IOptionsMonitor<Gemma4ModelOptions>>().Get(registration.OptionsName).ModelPath);
    }

    [Fact]
    public async Task AddGemma4ChatClient_ReplacedByValidRegistration_StartupValidationIgnoresTheFirst()
    {
        var services = new ServiceCollection();
        // The first registration is invalid twice over (no ModelPath, an adapter without a path); the override is valid.
        services.AddGemma4ChatClient(_ => { }, c => c.LoraAdapters = [new Gemma4LoraAdapterOptions()]);
        services.AddGemma4ChatClient(o => o.ModelPath = "m.gguf");
        using var provider = services.BuildServiceProvider();

        // What the host's StartAsync runs first (ValidateOnStart).
        await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None);

        Assert.Single(services, d => d.ServiceType == typeof(IChatClient));
        Assert.Single(provider.GetServices<Gemma4ModelRegistration>());
    }

    [Fact]
    public async Task AddKeyedGemma4EmbeddingGenerator_ReplacedByValidRegistration_StartupValidationIgnoresTheFirst()
    {
        var services = new ServiceCollection();
        services.AddKeyedGemma4EmbeddingGenerator("docs", o => o.Threads = 0, g => g.Dimensions = 0);
        services.AddKeyedGemma4EmbeddingGenerator("docs", o => o.ModelPath = "m.gguf");
        services.AddKeyedGemma4EmbeddingGenerator("other", o => o.ModelPath = "m.gguf");
        using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None);

        Assert.Single(services, d => d.ServiceType == typeof(IEmbeddingGenerator<string, Embedding<float>>) && Equals(d.ServiceKey, "docs"));
        Assert.Single(services, d => d.ServiceType == typeof(IEmbeddingGenerator<string, Embedding<float>>) && Equals(d.ServiceKey, "other"));
    }

    [Fact]
    public void AddKeyedGemma4ChatClient_NullKey_Throws()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentNullException>(() => services.AddKeyedGemma4ChatClient(null!, o => o.ModelPath = "m.gguf"));
    }

    [Fact]
    public void Resolve_InvalidOptions_ThrowsValidationErrorNamingTheSetting()
    {
        var services = new ServiceCollection();
        services.AddGemma4ChatClient(o => o.ContextSize = 8);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IChatClient>());

        Assert.Contains("Gemma4ModelOptions.ModelPath is required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_NothingResolved_IsDegradedWithoutLoading()
    {
        var services = new ServiceCollection();
        services.AddGemma4ChatClient(o => o.ModelPath = "/does/not/matter.gguf");
        using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<Gemma4HealthCheck>().CheckHealthAsync(Context());

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("not loaded yet", result.Data["chat"]);
    }

    [Fact]
    public async Task HealthCheck_InvalidOptions_ReportsFailureStatusWithTheValidationError()
    {
        var services = new ServiceCollection();
        services.AddKeyedGemma4ChatClient("bad", o => o.MaxParallelSequences = 0);
        using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<Gemma4HealthCheck>().CheckHealthAsync(Context());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.IsType<OptionsValidationException>(result.Exception);
        Assert.StartsWith("failed: ", (string)result.Data["chat[bad]"], StringComparison.Ordinal);
    }

    [Fact]
    public void AddGemma4ChatClient_Configuration_ChecksUnknownKeysAtBothLevels()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gemma4:ModelPath"] = "m.gguf",
            ["Gemma4:contextsize"] = "1024", // keys are case-insensitive, as the binder's are
            ["Gemma4:Embeddings:Dimensions"] = "128", // another consumer's sub-section: not this registration's business
            ["Gemma4:Chat:PreserveThinking"] = "true",
            ["Gemma4:Chat:Temperature"] = "0",
            ["Gemma4:Treads"] = "2",
        }).Build();
        var services = new ServiceCollection();
        services.AddGemma4ChatClient(configuration.GetSection("Gemma4"));
        using var provider = services.BuildServiceProvider();

        var registration = Assert.Single(provider.GetServices<Gemma4ModelRegistration>());

        Assert.Equal(["Gemma4:Treads", "Gemma4:Chat:Temperature"], registration.UnknownConfigurationKeys);
        Assert.Equal("Gemma4", registration.ConfigurationPath);
        Assert.True(provider.GetRequiredService<IOptionsMonitor<Gemma4ChatClientOptions>>().Get(registration.OptionsName).PreserveThinking);
    }

    [Fact]
    public async Task AddGemma4ChatClient_Configuration_ChecksUnknownKeysInNestedSections()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["G:ModelPath"] = "m.gguf",
            ["G:BackendModules:0"] = "a.so",
            ["G:Chat:DefaultGenerationOptions:MaxOutputTokns"] = "3",
            ["G:Chat:DefaultGenerationOptions:temperature"] = "0.5",
            ["G:Chat:DefaultGenerationOptions:StopSequences:0"] = "END",
            ["G:Chat:LoraAdapters:0:Path"] = "a.gguf",
            ["G:Chat:LoraAdapters:0:Scal"] = "0.5",
        }).Build();
        var services = new ServiceCollection();
        services.AddGemma4ChatClient(configuration.GetSection("G"));
        using var provider = services.BuildServiceProvider();

        var registration = Assert.Single(provider.GetServices<Gemma4ModelRegistration>());
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));

        Assert.Equal(["G:Chat:DefaultGenerationOptions:MaxOutputTokns", "G:Chat:LoraAdapters:0:Scal"], registration.UnknownConfigurationKeys);
        Assert.Contains("'G:Chat:DefaultGenerationOptions:MaxOutputTokns'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartupValidation_ChatDefaultGenerationOptionsOutOfRange_FailsNamingTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["G:ModelPath"] = "m.gguf",
            ["G:Chat:DefaultGenerationOptions:Temperature"] = "-1",
        }).Build();
        var services = new ServiceCollection();
        services.AddGemma4ChatClient(configuration.GetSection("G"));
        using var provider = services.BuildServiceProvider();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));

        Assert.Equal(
            "Gemma4 chat (configuration key 'G:Chat:DefaultGenerationOptions:Temperature'): " +
            "Gemma4ChatClientOptions.DefaultGenerationOptions.Temperature must be a finite value >= 0; got -1.",
            ex.Message);
    }

    private static HealthCheckContext Context() => new()
    {
        Registration = new HealthCheckRegistration("gemma4", _ => null!, HealthStatus.Unhealthy, tags: null),
    };

    private sealed class ContentRoot(string path) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";

        public string ApplicationName { get; set; } = "test";

        public string ContentRootPath { get; set; } = path;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
