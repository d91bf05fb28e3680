namespace Gemma4.AI.Tests.Model;

/// <summary>State the library hands out or copies: nothing a caller changes later reaches a model, a client or other callers.</summary>
public sealed class PublicStateTests
{
    [Fact]
    public void ChatClientOptionsClone_SharesNoMutableState()
    {
        var options = new Gemma4ChatClientOptions
        {
            DefaultGenerationOptions = new Gemma4GenerationOptions { Temperature = 0.5f, StopSequences = ["END"] },
            LoraAdapters = [new Gemma4LoraAdapterOptions { Path = "a.gguf", Name = "a", Scale = 0.5f }],
            PreserveThinking = true,
        };

        var copy = options.Clone();
        options.DefaultGenerationOptions.Temperature = 2;
        options.DefaultGenerationOptions.StopSequences.Add("STOP");
        options.LoraAdapters[0].Scale = 3;
        options.LoraAdapters.Add(new Gemma4LoraAdapterOptions { Path = "b.gguf" });
        options.PreserveThinking = false;

        Assert.Equal(0.5f, copy.DefaultGenerationOptions!.Temperature);
        Assert.Equal(["END"], copy.DefaultGenerationOptions.StopSequences!);
        Assert.Equal(0.5f, Assert.Single(copy.LoraAdapters).Scale);
        Assert.Equal("a", copy.LoraAdapters[0].Name);
        Assert.True(copy.PreserveThinking);
    }

    [Fact]
    public void ChatClientOptionsClone_NullEntries_AreLeftForValidateToName()
    {
        var options = new Gemma4ChatClientOptions { LoraAdapters = [null!] };

        var ex = Assert.Throws<ArgumentNullException>(() => options.Clone().Validate());
        Assert.Equal("LoraAdapters", ex.ParamName);
    }

    [Fact]
    public async Task LoadAsync_NullBackendModules_ThrowsArgumentExceptionNamingTheSetting()
    {
        // Clone ran before Validate and threw a NullReferenceException-like error instead of the documented message.
        var options = new Gemma4ModelOptions { ModelPath = "model.gguf", BackendModules = null! };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Gemma4Model.LoadAsync(options));
        Assert.Equal("BackendModules", ex.ParamName);
        Assert.Null(options.Clone().BackendModules);
    }

    [Fact]
    public void ChatClientOptionsValidate_UndefinedContextOverflow_NamesTheSettingAndValue()
    {
        // An undefined policy used to behave as Throw in-process without saying so.
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Gemma4ChatClientOptions { ContextOverflow = (Gemma4ContextOverflowPolicy)5 }.Validate());

        Assert.Equal("ContextOverflow", ex.ParamName);
        Assert.Contains("Gemma4ChatClientOptions.ContextOverflow must be Throw or DropOldestMessages; got 5.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QuantizerSupportedTypes_CannotBeChangedThroughACast()
    {
        // It was the array Enum.GetValues returned, shared by every caller and the quantizer's error messages.
        Assert.Throws<NotSupportedException>(() => ((IList<Gemma4QuantizationType>)Gemma4Quantizer.SupportedTypes)[0] = Gemma4QuantizationType.Q8_0);
        Assert.Equal(Enum.GetValues<Gemma4QuantizationType>(), Gemma4Quantizer.SupportedTypes);
    }
}
