using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gemma4.AI.IntegrationTests.Lora;

/// <summary>Choosing adapters through the chat client: per request, per client, per DI registration.</summary>
public sealed class LoraChatClientTests
{
    private static readonly string MedicalPath = TestModels.TestModels.Lora(TinyLoraSpec.Default with { Seed = 21, Name = "medical" });
    private static readonly string LegalPath = TestModels.TestModels.Lora(TinyLoraSpec.Default with { Seed = 22, Name = "legal" });

    [Fact]
    public async Task AdditionalProperty_TypedExtension_ClientDefault_AndRawOptions_SelectTheSameAdapter()
    {
        using var model = await Gemma4Model.LoadAsync(LoraRuns.Options());
        var medical = await model.LoadAdapterAsync(MedicalPath, "medical");
        using var plainClient = new Gemma4ChatClient(model);
        using var medicalClient = new Gemma4ChatClient(model, new Gemma4ChatClientOptions { LoraAdapters = [new() { Path = MedicalPath, Name = "medical" }] });

        var baseText = await AskAsync(plainClient, Greedy());
        var byName = await AskAsync(plainClient, With(Greedy(), "medical"));
        var byNameAndScale = await AskAsync(plainClient, With(Greedy(), "medical:1"));
        var byJson = await AskAsync(plainClient, With(Greedy(), System.Text.Json.JsonDocument.Parse("""{ "medical": 1.0 }""").RootElement));
        var byExtension = await AskAsync(plainClient, Greedy().AddGemma4LoraAdapter(medical));
        var byRaw = await AskAsync(plainClient, Raw(new Gemma4GenerationOptions { Adapters = [new(medical)] }));
        var byClient = await AskAsync(medicalClient, Greedy());
        var clientOverriddenToBase = await AskAsync(medicalClient, With(Greedy(), Array.Empty<object>()));

        Assert.NotEqual(baseText, byName);
        Assert.All(new[] { byNameAndScale, byJson, byExtension, byRaw, byClient }, text => Assert.Equal(byName, text));
        Assert.Equal(baseText, clientOverriddenToBase);
        Assert.Same(medical, Assert.Single(model.Adapters)); // the client shared the adapter loaded under the same name
    }

    [Fact]
    public async Task AdditionalProperty_UnknownName_ThrowsNamingTheLoadedAdapters()
    {
        using var model = await Gemma4Model.LoadAsync(LoraRuns.Options());
        await model.LoadAdapterAsync(MedicalPath, "medical");
        using var client = new Gemma4ChatClient(model);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("hi", With(Greedy(), "surgery")));

        Assert.Contains("'surgery', which is not loaded", error.Message, StringComparison.Ordinal);
        Assert.Contains("loaded: 'medical'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyedRegistrations_WithDifferentAdapters_ShareOneModel_AndAnswerWithTheirAdapter()
    {
        var config = HostingModels.Configuration("Medical");
        config["Medical:Chat:LoraAdapters:0:Path"] = MedicalPath;
        config["Medical:Chat:LoraAdapters:0:Name"] = "medical";
        foreach (var (k, v) in HostingModels.Configuration("Legal"))
        {
            config[k] = v;
        }

        config["Legal:Chat:LoraAdapters:0:Path"] = LegalPath;
        config["Legal:Chat:LoraAdapters:0:Scale"] = "0.5";
        using var host = TestHosts.Build(config, (s, c) =>
        {
            s.AddKeyedGemma4ChatClient("medical", c.GetSection("Medical"));
            s.AddKeyedGemma4ChatClient("legal", c.GetSection("Legal"));
            s.AddGemma4ChatClient(o => HostingModels.Configure(o));
        });
        await host.StartAsync();

        var model = host.Services.GetRequiredService<IChatClient>().GetService<Gemma4Model>()!;
        // Loaded at start-up, before any client was resolved.
        Assert.Equal(["medical", Path.GetFileNameWithoutExtension(LegalPath)], model.Adapters.Select(a => a.Name));
        var medicalClient = host.Services.GetRequiredKeyedService<IChatClient>("medical");
        var legalClient = host.Services.GetRequiredKeyedService<IChatClient>("legal");
        Assert.Same(model, medicalClient.GetService<Gemma4Model>());
        Assert.Same(model, legalClient.GetService<Gemma4Model>());

        var plain = host.Services.GetRequiredService<IChatClient>();
        var legalName = model.Adapters[1].Name;
        // One after another: equal adapter sets would share decode steps, and batched float noise may flip a near-tie.
        string[] answers =
        [
            await AskAsync(medicalClient, Greedy()),
            await AskAsync(legalClient, Greedy()),
            await AskAsync(plain, With(Greedy(), "medical")),
            await AskAsync(plain, With(Greedy(), legalName + ":0.5")),
        ];
        Assert.Equal(answers[2], answers[0]);
        Assert.Equal(answers[3], answers[1]);
        Assert.NotEqual(answers[0], answers[1]);
        await host.StopAsync();
    }

    [Fact]
    public async Task StartAsync_BadAdapter_FailsNamingTheFile_AndBlankPath_NamesTheKey()
    {
        var config = HostingModels.Configuration();
        config["Gemma4:Chat:LoraAdapters:0:Path"] = TestModels.TestModels.Lora(TinyLoraSpec.Default, TinyModelSpec.Default with { Heads = 8 });
        using (var host = TestHosts.Build(config, (s, c) => s.AddGemma4ChatClient(c.GetSection("Gemma4"))))
        {
            var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
            Assert.Contains("not a LoRA adapter for this gemma4 model", TestHosts.AllMessages(ex), StringComparison.Ordinal);
        }

        config["Gemma4:Chat:LoraAdapters:0:Path"] = " ";
        using (var host = TestHosts.Build(config, (s, c) => s.AddGemma4ChatClient(c.GetSection("Gemma4"))))
        {
            var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
            Assert.Contains("Gemma4:Chat:LoraAdapters:0:Path", TestHosts.AllMessages(ex), StringComparison.Ordinal);
        }
    }

    private static ChatOptions Greedy() => new() { Temperature = 0, MaxOutputTokens = 24 };

    private static ChatOptions With(ChatOptions options, object value)
    {
        options.AdditionalProperties = new() { [Gemma4ChatOptionsExtensions.LoraKey] = value };
        return options;
    }

    private static ChatOptions Raw(Gemma4GenerationOptions raw)
    {
        var options = Greedy();
        options.RawRepresentationFactory = _ => raw;
        return options;
    }

    private static async Task<string> AskAsync(IChatClient client, ChatOptions options) =>
        (await client.GetResponseAsync("Tell me something.", options)).Text;
}
