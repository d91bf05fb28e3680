using Gemma4.AI.Hosting;

namespace Gemma4.AI.Tests.Hosting;

public sealed class Gemma4ModelOptionsValidatorTests
{
    private static readonly Gemma4ModelRegistration FromConfiguration = new(Gemma4ModelKind.Chat, null, "Gemma4.Chat.1", "Gemma4");

    [Fact]
    public void Validate_OtherOptionsName_Skips()
    {
        var result = new Gemma4ModelOptionsValidator(FromConfiguration).Validate("someone-else", new Gemma4ModelOptions());

        Assert.True(result.Skipped);
    }

    [Fact]
    public void Validate_ValidOptions_Succeeds()
    {
        var result = new Gemma4ModelOptionsValidator(FromConfiguration).Validate("Gemma4.Chat.1", new Gemma4ModelOptions { ModelPath = "m.gguf" });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_BadSettingFromConfiguration_NamesKeySettingAndValue()
    {
        var options = new Gemma4ModelOptions { ModelPath = "m.gguf", ContextSize = -5 };

        var result = new Gemma4ModelOptionsValidator(FromConfiguration).Validate("Gemma4.Chat.1", options);

        Assert.True(result.Failed);
        Assert.Equal(
            "Gemma4 chat (configuration key 'Gemma4:ContextSize'): Gemma4ModelOptions.ContextSize must be at least 16 tokens; got -5.",
            result.FailureMessage);
    }

    [Fact]
    public void Validate_BadSettingSetInCode_NamesRegistrationAndSetting()
    {
        var registration = new Gemma4ModelRegistration(Gemma4ModelKind.Embedding, "docs", "Gemma4.Embedding.2", null);
        var options = new Gemma4ModelOptions { ModelPath = "m.gguf", MaxParallelSequences = 0 };

        var result = new Gemma4ModelOptionsValidator(registration).Validate("Gemma4.Embedding.2", options);

        Assert.Equal(
            "Gemma4 embeddings[docs]: Gemma4ModelOptions.MaxParallelSequences must be between 1 and 256; got 0.",
            result.FailureMessage);
    }

    [Fact]
    public void Validate_UnknownConfigurationKeys_FailsListingThem()
    {
        var registration = FromConfiguration with { UnknownConfigurationKeys = ["Gemma4:ContextSze", "Gemma4:Chat:Temprature"] };

        var result = new Gemma4ModelOptionsValidator(registration).Validate("Gemma4.Chat.1", new Gemma4ModelOptions { ModelPath = "m.gguf" });

        Assert.True(result.Failed);
        Assert.Contains("'Gemma4:ContextSze', 'Gemma4:Chat:Temprature'", result.FailureMessage, StringComparison.Ordinal);
    }
}
