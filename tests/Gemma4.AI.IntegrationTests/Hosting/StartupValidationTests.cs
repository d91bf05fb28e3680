using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Gemma4.AI.IntegrationTests.Hosting;

public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("ContextSize", "-5", "Gemma4:ContextSize")]
    [InlineData("MicroBatchSize", "4096", "Gemma4:MicroBatchSize")]
    [InlineData("MaxParallelSequences", "0", "Gemma4:MaxParallelSequences")]
    [InlineData("ModelPath", "", "Gemma4:ModelPath")]
    public async Task StartAsync_InvalidSetting_FailsNamingSettingAndValue(string setting, string value, string key)
    {
        var config = HostingModels.Configuration();
        config[$"Gemma4:{setting}"] = value;
        using var host = TestHosts.Build(config, (s, c) => s.AddGemma4ChatClient(c.GetSection("Gemma4")));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        var message = TestHosts.AllMessages(ex);
        Assert.Contains(key, message, StringComparison.Ordinal);
        Assert.Contains($"Gemma4ModelOptions.{setting}", message, StringComparison.Ordinal);
        if (value.Length > 0)
        {
            Assert.Contains(value, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task StartAsync_UnparsableSetting_FailsNamingKeyAndValue()
    {
        var config = HostingModels.Configuration();
        config["Gemma4:ContextSize"] = "lots";
        using var host = TestHosts.Build(config, (s, c) => s.AddGemma4ChatClient(c.GetSection("Gemma4")));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        var message = TestHosts.AllMessages(ex);
        Assert.Contains("Gemma4:ContextSize", message, StringComparison.Ordinal);
        Assert.Contains("lots", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_MisspeltSetting_FailsNamingTheKey()
    {
        var config = HostingModels.Configuration();
        config["Gemma4:ContextSze"] = "4096";
        using var host = TestHosts.Build(config, (s, c) => s.AddGemma4ChatClient(c.GetSection("Gemma4")));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("'Gemma4:ContextSze'", TestHosts.AllMessages(ex), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_MisspeltChatSetting_FailsNamingTheKey()
    {
        var config = HostingModels.Configuration();
        config["Gemma4:Chat:PreserveThinkin"] = "true";
        using var host = TestHosts.Build(config, (s, c) => s.AddGemma4ChatClient(c.GetSection("Gemma4")));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("'Gemma4:Chat:PreserveThinkin'", TestHosts.AllMessages(ex), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Temperature", "-1", "Gemma4ChatClientOptions.DefaultGenerationOptions.Temperature must be a finite value >= 0; got -1")]
    [InlineData("MaxOutputTokns", "3", "unknown setting(s)")]
    public async Task StartAsync_BadChatDefaultGenerationOption_FailsNamingTheKey(string setting, string value, string expected)
    {
        var config = HostingModels.Configuration();
        config[$"Gemma4:Chat:DefaultGenerationOptions:{setting}"] = value;
        using var host = TestHosts.Build(config, (s, c) => s.AddGemma4ChatClient(c.GetSection("Gemma4")));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        var message = TestHosts.AllMessages(ex);
        Assert.Contains($"'Gemma4:Chat:DefaultGenerationOptions:{setting}'", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddGemma4ChatClient_ChatSubsection_BindsClientOptions()
    {
        var config = HostingModels.Configuration();
        config["Gemma4:Chat:DefaultGenerationOptions:MaxOutputTokens"] = "3";
        config["Gemma4:Chat:DefaultGenerationOptions:Temperature"] = "0";
        using var host = TestHosts.Build(config, (s, c) => s.AddGemma4ChatClient(c.GetSection("Gemma4")));
        await host.StartAsync();

        var response = await host.Services.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(3, response.Usage!.OutputTokenCount);
        await host.StopAsync();
    }

    [Fact]
    public async Task StartAsync_MissingModelFile_FailsWithLoadExceptionNamingThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-model-{Guid.NewGuid():N}.gguf");
        using var host = TestHosts.Build(HostingModels.Configuration(modelPath: missing), (s, c) => s.AddGemma4ChatClient(c.GetSection("Gemma4")));

        var ex = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => host.StartAsync());

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ChatOverEmbeddingModel_FailsNamingModelPath()
    {
        var config = HostingModels.Configuration(modelPath: HostingModels.EmbeddingModelPath);
        using var host = TestHosts.Build(config, (s, c) => s.AddGemma4ChatClient(c.GetSection("Gemma4")));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("ModelPath", ex.Message, StringComparison.Ordinal);
        Assert.Contains("embedding model", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ValidConfiguration_LoadsModelBeforeFirstResolve()
    {
        using var host = TestHosts.Build(HostingModels.Configuration(), (s, c) => s.AddGemma4ChatClient(c.GetSection("Gemma4")));
        var health = host.Services.GetRequiredService<Gemma4HealthCheck>();
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, (await health.CheckHealthAsync(Context())).Status);

        await host.StartAsync();

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, (await health.CheckHealthAsync(Context())).Status);
        var client = host.Services.GetRequiredService<IChatClient>();
        Assert.Equal(2048, client.GetService<Gemma4Model>()!.ContextSize);
        await host.StopAsync();
    }

    private static Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext Context() => HealthChecks.Context();
}
