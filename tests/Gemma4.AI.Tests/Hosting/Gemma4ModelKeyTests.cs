using Gemma4.AI.Hosting;

namespace Gemma4.AI.Tests.Hosting;

public sealed class Gemma4ModelKeyTests
{
    private static readonly string ModelFile = Path.Combine(Path.GetTempPath(), "models", "gemma.gguf");

    [Fact]
    public void From_SameFileSpeltDifferently_IsEqual()
    {
        var plain = new Gemma4ModelOptions { ModelPath = ModelFile };
        var respelt = new Gemma4ModelOptions { ModelPath = Path.Combine(Path.GetTempPath(), "models", "..", "models", ".", "gemma.gguf") };

        Assert.Equal(Gemma4ModelKey.From(plain), Gemma4ModelKey.From(respelt));
    }

    [Fact]
    public void From_RelativePath_EqualsItsAbsolutePath()
    {
        var relative = new Gemma4ModelOptions { ModelPath = "gemma.gguf" };
        var absolute = new Gemma4ModelOptions { ModelPath = Path.GetFullPath("gemma.gguf") };

        Assert.Equal(Gemma4ModelKey.From(relative), Gemma4ModelKey.From(absolute));
    }

    [Theory]
    [InlineData(nameof(Gemma4ModelOptions.ContextSize))]
    [InlineData(nameof(Gemma4ModelOptions.SwaFull))]
    [InlineData(nameof(Gemma4ModelOptions.Threads))]
    [InlineData(nameof(Gemma4ModelOptions.ValueCacheType))]
    [InlineData(nameof(Gemma4ModelOptions.ModelPath))]
    public void From_AnySettingDiffers_Differs(string setting)
    {
        var a = new Gemma4ModelOptions { ModelPath = ModelFile };
        var b = a.Clone();
        switch (setting)
        {
            case nameof(Gemma4ModelOptions.ContextSize): b.ContextSize = 4096; break;
            case nameof(Gemma4ModelOptions.SwaFull): b.SwaFull = !a.SwaFull; break;
            case nameof(Gemma4ModelOptions.Threads): b.Threads = 3; break;
            case nameof(Gemma4ModelOptions.ValueCacheType): b.ValueCacheType = Gemma4KvCacheType.Q8_0; break;
            default: b.ModelPath = ModelFile + ".other"; break;
        }

        Assert.NotEqual(Gemma4ModelKey.From(a), Gemma4ModelKey.From(b));
    }

    [Fact]
    public void From_LeavesTheOptionsUnchanged()
    {
        var options = new Gemma4ModelOptions { ModelPath = "relative/gemma.gguf" };

        Gemma4ModelKey.From(options);

        Assert.Equal("relative/gemma.gguf", options.ModelPath);
    }
}
