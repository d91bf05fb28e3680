using Gemma4.AI.Chat;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Chat;

/// <summary>The ranges of generation settings, and that each error names where the bad value came from.</summary>
public sealed class Gemma4GenerationOptionsValidatorTests
{
    [Fact]
    public void Validate_TopPZero_IsAccepted()
    {
        // OpenAI accepts [0, 1]; llama.cpp's top-p keeps at least the most likely token.
        Gemma4GenerationOptionsValidator.Validate(new Gemma4GenerationOptions { TopP = 0 }, "ChatOptions");
        var mapped = Gemma4ChatOptionsMapper.ToGenerationOptions(new ChatOptions { TopP = 0 }, null!);

        Assert.Equal(0f, mapped.TopP);
    }

    [Theory]
    [InlineData(1.01f)]
    [InlineData(-0.01f)]
    public void Validate_TopPOutsideZeroToOne_Throws(float topP)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => Gemma4GenerationOptionsValidator.Validate(new Gemma4GenerationOptions { TopP = topP }, "ChatOptions"));

        Assert.StartsWith("ChatOptions.TopP must be in [0, 1]; got ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-2f)]
    [InlineData(0f)]
    [InlineData(2f)]
    public void Validate_PenaltiesWithinMinusTwoToTwo_AreAccepted(float penalty)
    {
        Gemma4GenerationOptionsValidator.Validate(new Gemma4GenerationOptions { FrequencyPenalty = penalty, PresencePenalty = penalty }, "ChatOptions");
    }

    [Theory]
    [InlineData("FrequencyPenalty", 50f)]
    [InlineData("FrequencyPenalty", -2.5f)]
    [InlineData("PresencePenalty", 50f)]
    [InlineData("PresencePenalty", float.NaN)]
    public void Validate_PenaltyOutsideMinusTwoToTwo_ThrowsNamingSettingAndValue(string setting, float value)
    {
        var options = setting == "FrequencyPenalty"
            ? new Gemma4GenerationOptions { FrequencyPenalty = value }
            : new Gemma4GenerationOptions { PresencePenalty = value };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Gemma4GenerationOptionsValidator.Validate(options, "ChatOptions"));

        Assert.Equal(setting, ex.ParamName);
        Assert.StartsWith($"ChatOptions.{setting} must be in [-2, 2]; got {value}.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToGenerationOptions_ChatOptionsValueOutOfRange_NamesChatOptions()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => Gemma4ChatOptionsMapper.ToGenerationOptions(new ChatOptions { Temperature = -1 }, null!));

        Assert.StartsWith("ChatOptions.Temperature must be a finite value >= 0; got -1.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToGenerationOptions_RawValueOutOfRange_NamesGemma4GenerationOptionsNotChatOptions()
    {
        var options = new ChatOptions { RawRepresentationFactory = _ => new Gemma4GenerationOptions { Temperature = -1 } };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Gemma4ChatOptionsMapper.ToGenerationOptions(options, null!));

        Assert.StartsWith("Gemma4GenerationOptions.Temperature must be a finite value >= 0; got -1.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToGenerationOptions_RawValueSet_ChatOptionsValueItReplacesIsNotChecked()
    {
        var options = new ChatOptions { Temperature = -1, RawRepresentationFactory = _ => new Gemma4GenerationOptions { Temperature = 0.5f } };

        Assert.Equal(0.5f, Gemma4ChatOptionsMapper.ToGenerationOptions(options, null!).Temperature);
    }

    [Fact]
    public void ChatClientOptionsValidate_DefaultGenerationOptionsOutOfRange_NamesTheSettingAndItsPath()
    {
        var options = new Gemma4ChatClientOptions { DefaultGenerationOptions = new Gemma4GenerationOptions { Temperature = -1 } };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        // ParamName is the configuration path below the Chat section, so hosting can name the key.
        Assert.Equal("DefaultGenerationOptions:Temperature", ex.ParamName);
        Assert.StartsWith(
            "Gemma4ChatClientOptions.DefaultGenerationOptions.Temperature must be a finite value >= 0; got -1.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChatClientOptionsValidate_DefaultGenerationOptionsInRange_Passes()
    {
        new Gemma4ChatClientOptions { DefaultGenerationOptions = new Gemma4GenerationOptions { Temperature = 0.7f, TopP = 0, MaxOutputTokens = 3 } }.Validate();
    }

    [Theory]
    [InlineData(1001)]
    [InlineData(int.MaxValue)]
    public void Validate_MaxConstrainedStringLengthBeyondWhatGrammarsHold_ThrowsNamingIt(int limit)
    {
        // llama.cpp refused such grammars with "number of repetitions exceeds sane defaults", naming no option.
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => Gemma4GenerationOptionsValidator.Validate(new Gemma4GenerationOptions { MaxConstrainedStringLength = limit }, "Gemma4GenerationOptions"));

        Assert.StartsWith("Gemma4GenerationOptions.MaxConstrainedStringLength must be in [0, 1000]; got ", ex.Message, StringComparison.Ordinal);
        Gemma4GenerationOptionsValidator.Validate(new Gemma4GenerationOptions { MaxConstrainedStringLength = 1000 }, "Gemma4GenerationOptions");
    }
}
