using Gemma4.AI.IntegrationTests.Support;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>GPU paths as far as a CPU-only machine can take them: clear messages, never a silent CPU fallback.</summary>
public sealed class BackendTests
{
    [Fact]
    public void Devices_ListsTheCpu()
    {
        var devices = Gemma4Backends.Devices();

        Assert.Contains(devices, d => !d.IsGpu && d.Name.StartsWith("CPU", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task GpuLayers_WithoutAGpuBackend_FailsWithAClearMessage()
    {
        var options = TinyChatModel.Options(TestModels.TestModels.Gemma4());
        options.GpuLayerCount = -1;
        if (Gemma4Backends.Devices().Any(d => d.IsGpu))
        {
            return; // a machine with a GPU backend offloads instead; this test is about CPU-only machines
        }

        var ex = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Model.LoadAsync(options));

        Assert.Contains("no GPU backend is available", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Gemma4Backend=Cuda12", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadModule_MissingFile_ThrowsFileNotFound()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => Gemma4Backends.LoadModule("/nonexistent/libggml-cuda.so"));
        Assert.Contains("libggml-cuda.so", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadModule_NotAModule_ThrowsWithTheReason()
    {
        using var dir = new TempDirectory();
        var fake = dir.File("libggml-fake.so");
        File.WriteAllText(fake, "not a shared library");

        var ex = Assert.Throws<InvalidOperationException>(() => Gemma4Backends.LoadModule(fake));

        Assert.Contains(fake, ex.Message, StringComparison.Ordinal);
        Assert.Contains("CUDA runtime", ex.Message, StringComparison.Ordinal);
    }
}
