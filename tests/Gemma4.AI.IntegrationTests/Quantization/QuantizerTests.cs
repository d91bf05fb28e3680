using Gemma4.AI.Gguf;
using Gemma4.AI.IntegrationTests.Lora;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;
using Xunit.Abstractions;

namespace Gemma4.AI.IntegrationTests.Quantization;

/// <summary>Gemma4Quantizer on generated tiny models through the real llama.cpp quantizer.</summary>
public sealed class QuantizerTests(ITestOutputHelper output)
{
    /// <summary>
    /// Every matrix row a multiple of 256 (hidden 256, head dims 64 × 4 heads, FFN 512), so k-quants need no per-tensor
    /// fallback and sizes follow the types' nominal bits per weight.
    /// </summary>
    internal static readonly TinyModelSpec Wide = TinyModelSpec.Default with
    {
        HiddenSize = 256,
        HeadDim = 64,
        HeadDimSwa = 64,
        FeedForward = 512,
        Name = "gemma4-tiny-256",
    };

    public static TheoryData<Gemma4QuantizationType> AllTypes => [.. Gemma4Quantizer.SupportedTypes];

    [Theory]
    [InlineData(Gemma4QuantizationType.Q8_0)]
    [InlineData(Gemma4QuantizationType.Q4_0)]
    public async Task QuantizeAsync_F16ToQ8_0AndQ4_0_LoadsGeneratesAndShrinksByTheExpectedFactor(Gemma4QuantizationType type)
    {
        var input = TestModels.TestModels.Gemma4(Wide);
        using var dir = new TempDirectory();

        var result = await Gemma4Quantizer.QuantizeAsync(input, dir.File("out.gguf"), type, new Gemma4QuantizeOptions { Threads = 1 });

        var expected = ExpectedRatio(GgufReader.Read(input), type);
        output.WriteLine($"{type}: {result.InputBytes:N0} -> {result.OutputBytes:N0} bytes, ratio {result.SizeRatio:F4}, expected {expected:F4}, {result.Elapsed.TotalMilliseconds:F0} ms");
        Assert.InRange(result.SizeRatio, expected * 0.9, expected * 1.1);
        Assert.Equal(new FileInfo(result.OutputPath).Length, result.OutputBytes);
        Assert.Equal(["out.gguf"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));

        using var model = await Gemma4Model.LoadAsync(LoraRuns.Options(result.OutputPath));
        Assert.Equal(type.ToString(), model.Quantization);
        Assert.Equal(type, model.QuantizationType);
        Assert.Equal(result.OutputBytes, model.FileSizeBytes);
        var run = await LoraRuns.GreedyAsync(model, LoraRuns.Prompt(model, "Hello"), adapters: null, maxTokens: 8);
        Assert.Equal(8, run.Tokens.Length);
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public async Task QuantizeAsync_EverySupportedType_ProducesALoadableModel(Gemma4QuantizationType type)
    {
        var input = TestModels.TestModels.Gemma4(Wide);
        using var dir = new TempDirectory();

        var result = await Gemma4Quantizer.QuantizeAsync(input, dir.File("out.gguf"), type, new Gemma4QuantizeOptions { Threads = 1 });

        output.WriteLine($"{type}: ratio {result.SizeRatio:F4} of F16, {result.Elapsed.TotalMilliseconds:F0} ms");
        using var model = await Gemma4Model.LoadAsync(LoraRuns.Options(result.OutputPath));
        Assert.Equal(type, model.QuantizationType);
        var run = await LoraRuns.GreedyAsync(model, LoraRuns.Prompt(model, "Hello"), adapters: null, maxTokens: 4);
        Assert.Equal(4, run.Tokens.Length);
    }

    [Fact]
    public async Task QuantizeAsync_CancelledMidWay_LeavesNoFile()
    {
        var input = TestModels.TestModels.Gemma4(Wide);
        using var dir = new TempDirectory();
        using var cts = new CancellationTokenSource();
        var reports = new List<float>();
        var progress = new SyncProgress(p =>
        {
            reports.Add(p);
            if (p > 0)
            {
                cts.Cancel(); // from inside llama.cpp's run, after its first tensor
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Gemma4Quantizer.QuantizeAsync(input, dir.File("out.gguf"), Gemma4QuantizationType.Q4_K_M, new Gemma4QuantizeOptions { Threads = 1 }, progress, cts.Token));

        Assert.Contains(reports, p => p is > 0 and < 1);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task QuantizeAsync_CancelledBeforeItStarts_ThrowsAtOnce_LlamaCppNeverRuns_NoFile()
    {
        using var dir = new TempDirectory();
        var reports = new List<float>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Gemma4Quantizer.QuantizeAsync(
            TestModels.TestModels.Gemma4(Wide), dir.File("out.gguf"), Gemma4QuantizationType.Q8_0, new Gemma4QuantizeOptions { Threads = 1 },
            new SyncProgress(reports.Add), new CancellationToken(true)));

        Assert.DoesNotContain(reports, p => p > 0);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // the tests run on Linux (CI); /sys and Unix modes are Linux's
    public async Task QuantizeAsync_IntoAFolderItCannotWrite_NamesTheFolder()
    {
        // Root writes anywhere chmod allows nothing: /sys refuses new files to everyone.
        using var dir = new TempDirectory();
        var folder = Environment.UserName == "root" ? "/sys" : dir.Path;
        if (folder == dir.Path)
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        try
        {
            var ex = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Gemma4Quantizer.QuantizeAsync(
                TestModels.TestModels.Gemma4(Wide), Path.Combine(folder, "out.gguf"), Gemma4QuantizationType.Q8_0, new Gemma4QuantizeOptions { Threads = 1 }));

            Assert.Contains($"output folder {folder}", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task QuantizeAsync_ReportsProgressPerTensor_EndingAtOne()
    {
        var input = TestModels.TestModels.Gemma4(Wide);
        var tensors = GgufReader.Read(input).Tensors.Count;
        using var dir = new TempDirectory();
        var reports = new List<float>();

        await Gemma4Quantizer.QuantizeAsync(input, dir.File("out.gguf"), Gemma4QuantizationType.Q8_0, new Gemma4QuantizeOptions { Threads = 1 }, new SyncProgress(reports.Add));

        Assert.Equal(0, reports[0]);
        Assert.Equal(1, reports[^1]);
        Assert.Equal(tensors + 2, reports.Count); // start, one per tensor, done
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First <= p.Second), string.Join(", ", reports));
    }

    [Theory]
    [InlineData(GgufTensorType.Q4_0, Gemma4QuantizationType.Q8_0, "already quantized (Q4_0)")]
    [InlineData(GgufTensorType.Q4_0, Gemma4QuantizationType.Q4_0, "already quantized (Q4_0)")]
    [InlineData(GgufTensorType.Q4_0, Gemma4QuantizationType.F16, "cannot restore the precision")]
    [InlineData(GgufTensorType.Q8_0, Gemma4QuantizationType.Q8_0, "already Q8_0")]
    [InlineData(GgufTensorType.Q8_0, Gemma4QuantizationType.F16, "cannot restore the precision Q8_0 dropped")]
    public async Task QuantizeAsync_AlreadyQuantizedInput_IsRefusedWithTheReason(GgufTensorType stored, Gemma4QuantizationType target, string reason)
    {
        var input = TestModels.TestModels.Gemma4(Wide with { WeightType = stored });
        using var dir = new TempDirectory();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Gemma4Quantizer.QuantizeAsync(input, dir.File("out.gguf"), target));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal("type", error.ParamName);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task QuantizeAsync_KQuantInput_IsRefused_Q8_0Input_MayShrink()
    {
        using var dir = new TempDirectory();
        var kquant = await Gemma4Quantizer.QuantizeAsync(TestModels.TestModels.Gemma4(Wide), dir.File("k.gguf"), Gemma4QuantizationType.Q4_K_M, new Gemma4QuantizeOptions { Threads = 1 });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Gemma4Quantizer.QuantizeAsync(kquant.OutputPath, dir.File("k-to-q4.gguf"), Gemma4QuantizationType.Q4_0));
        Assert.Contains("already quantized (Q4_K_M)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Quantize from the original F16", error.Message, StringComparison.Ordinal);

        var q8 = TestModels.TestModels.Gemma4(Wide with { WeightType = GgufTensorType.Q8_0 });
        var smaller = await Gemma4Quantizer.QuantizeAsync(q8, dir.File("q8-to-q4.gguf"), Gemma4QuantizationType.Q4_0, new Gemma4QuantizeOptions { Threads = 1 });
        Assert.True(smaller.SizeRatio < 0.7, $"ratio {smaller.SizeRatio}");
        using var model = await Gemma4Model.LoadAsync(LoraRuns.Options(smaller.OutputPath));
        Assert.Equal(Gemma4QuantizationType.Q4_0, model.QuantizationType);
    }

    [Fact]
    public async Task QuantizeAsync_BadPaths_FailBeforeLlamaCppRuns()
    {
        var input = TestModels.TestModels.Gemma4(Wide);
        using var dir = new TempDirectory();
        var existing = dir.File("exists.gguf");
        await File.WriteAllTextAsync(existing, "keep me");

        await Assert.ThrowsAsync<IOException>(() => Gemma4Quantizer.QuantizeAsync(input, existing, Gemma4QuantizationType.Q8_0));
        Assert.Equal("keep me", await File.ReadAllTextAsync(existing));
        await Assert.ThrowsAsync<ArgumentException>(() => Gemma4Quantizer.QuantizeAsync(input, input, Gemma4QuantizationType.Q8_0));
        await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Quantizer.QuantizeAsync(dir.File("missing.gguf"), dir.File("o.gguf"), Gemma4QuantizationType.Q8_0));
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => Gemma4Quantizer.QuantizeAsync(input, Path.Combine(dir.Path, "no", "o.gguf"), Gemma4QuantizationType.Q8_0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Gemma4Quantizer.QuantizeAsync(input, dir.File("o.gguf"), (Gemma4QuantizationType)19));

        var replaced = await Gemma4Quantizer.QuantizeAsync(input, existing, Gemma4QuantizationType.Q8_0, new Gemma4QuantizeOptions { Threads = 1, Overwrite = true });
        Assert.True(replaced.OutputBytes > 1000);
        Assert.Equal(["exists.gguf"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    /// <summary>
    /// Output size / input size predicted from the header: tensors llama.cpp quantizes (2-D weights, no norms) at the type's
    /// nominal size per weight (Q8_0 34 bytes and Q4_0 18 bytes per 32), everything else as it is. One llama.cpp rule:
    /// the token embedding, tied to the output projection, becomes Q6_K (210 bytes per 256) for every type but Q8_0.
    /// </summary>
    private static double ExpectedRatio(GgufFile input, Gemma4QuantizationType type)
    {
        double BytesPerWeight(string name) => type switch
        {
            Gemma4QuantizationType.Q8_0 => 34.0 / 32,
            _ when name == "token_embd.weight" => 210.0 / 256,
            Gemma4QuantizationType.Q4_0 => 18.0 / 32,
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };

        var tensorBytes = input.Tensors.Sum(t => t.ByteSize!.Value);
        var expectedTensors = input.Tensors.Sum(t => Gemma4.AI.Quantization.QuantizationPolicy.IsQuantizable(t)
            ? t.ElementCount * BytesPerWeight(t.Name)
            : t.ByteSize!.Value);
        var header = input.FileLength - tensorBytes;
        return (header + expectedTensors) / input.FileLength;
    }

    private sealed class SyncProgress(Action<float> report) : IProgress<float>
    {
        public void Report(float value) => report(value);
    }
}
