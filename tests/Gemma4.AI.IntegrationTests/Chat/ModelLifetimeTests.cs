using System.Diagnostics;
using Gemma4.AI.Engine;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>Loading, disposing and refusing models.</summary>
[Collection(SerialTests.Name)]
public sealed class ModelLifetimeTests
{
    [Fact]
    public async Task FiftyLoadDisposeCycles_LeakNoFileHandlesOrNativeMemory()
    {
        var path = TestModels.TestModels.Gemma4();
        var options = TinyChatModel.Options(path);
        options.ContextSize = 2048;
        await CycleAsync(options, 10); // warm up: first-use allocations of the runtime and llama.cpp
        var handlesBefore = OpenFileDescriptors();
        var rssBefore = Rss();

        await CycleAsync(options, 50);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.InRange(OpenFileDescriptors() - handlesBefore, -8, 8);
        var growthMb = (Rss() - rssBefore) / (1024.0 * 1024.0);
        Assert.True(growthMb < 64, $"resident memory grew by {growthMb:F1} MiB over 50 cycles");
    }

    [Fact]
    public async Task LoadRequestDisposeCycles_FreeWhatEachLoadAllocated_AndLeaveNoMappingHandleOrThread()
    {
        // A private copy, so mappings of the shared cached file by other tests are not counted.
        using var dir = new TempDirectory();
        var path = dir.File("cycles.gguf");
        File.Copy(TestModels.TestModels.Gemma4(), path);
        var options = TinyChatModel.Options(path);
        options.ContextSize = 32768; // a KV cache of several MiB, so one leaked load stands out from the runtime's noise
        await CycleAsync(options, 5); // warm up: first-use allocations of the runtime and llama.cpp
        var before = NativeHeapStats.InUseBytes();
        long footprint;
        using (var loaded = await Gemma4Model.LoadAsync(options))
        {
            footprint = NativeHeapStats.InUseBytes() - before;
            Assert.Equal(1, Mappings(path));
        }

        Collect();
        var baseline = NativeHeapStats.InUseBytes();
        var handles = OpenFileDescriptors();
        var threads = Threads();

        for (var i = 0; i < 20; i++)
        {
            await CycleAsync(options, 1);
            Assert.Equal(0, Mappings(path));
        }

        Collect();
        var growth = NativeHeapStats.InUseBytes() - baseline;
        Assert.True(footprint > 4 << 20, $"one load allocated only {footprint >> 10} KiB natively");
        Assert.True(growth < footprint, $"native heap grew {growth >> 10} KiB over 20 cycles; one load allocates {footprint >> 10} KiB");
        Assert.InRange(OpenFileDescriptors() - handles, -4, 4);
        Assert.InRange(Threads() - threads, -16, 4);
    }

    [Fact]
    public async Task LoadAsync_ReportsProgress_AndExposesTheHeader()
    {
        var path = TestModels.TestModels.Gemma4(TinyModelSpec.Default with { Name = "tiny-progress" });
        var reports = new List<float>();
        using var model = await Gemma4Model.LoadAsync(TinyChatModel.Options(path), progress: new SyncProgress(reports.Add));

        Assert.NotEmpty(reports);
        Assert.Equal(1f, reports[^1]);
        Assert.Equal("tiny-progress", model.ModelId);
        Assert.Equal("gemma4", model.Architecture);
        Assert.Equal(8192, model.ContextSize);
        Assert.Equal(TestVocabulary.Default.Count, model.VocabularySize);
        Assert.Equal(new FileInfo(path).Length, model.FileSizeBytes);
    }

    [Fact]
    public async Task LoadAsync_Cancelled_Throws()
    {
        var path = TestModels.TestModels.Gemma4();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Gemma4Model.LoadAsync(TinyChatModel.Options(path), cancellationToken: cts.Token));
    }

    [Fact]
    public async Task LoadAsync_BadFiles_ThrowGemma4ModelLoadExceptionNamingTheFile()
    {
        using var dir = new TempDirectory();
        var missing = Path.Combine(dir.Path, "missing.gguf");
        var text = Path.Combine(dir.Path, "notes.gguf");
        await File.WriteAllTextAsync(text, "this is not a model");
        var truncated = Path.Combine(dir.Path, "truncated.gguf");
        var bytes = await File.ReadAllBytesAsync(TestModels.TestModels.Gemma4());
        await File.WriteAllBytesAsync(truncated, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var llama = Path.Combine(dir.Path, "llama.gguf");
        TestModels.TestModels.Write(TestModelKind.Gemma4, TinyModelSpec.Default with { OverrideKeys = new Dictionary<string, GgufMetadataValue> { ["general.architecture"] = GgufMetadataValue.String("llama") } }, llama);

        foreach (var file in new[] { missing, text, truncated, llama })
        {
            var options = TinyChatModel.Options(file);
            var ex = await Assert.ThrowsAsync<Gemma4ModelLoadException>(() => Gemma4Model.LoadAsync(options));
            Assert.Equal(file, ex.FilePath);
            Assert.Contains(Path.GetFileName(file), ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task LoadAsync_InvalidOptions_ThrowArgumentExceptionNamingTheSetting()
    {
        var path = TestModels.TestModels.Gemma4();
        var bad = TinyChatModel.Options(path);
        bad.MicroBatchSize = bad.BatchSize + 1;
        var quantizedVWithoutFlash = TinyChatModel.Options(path);
        quantizedVWithoutFlash.ValueCacheType = Gemma4KvCacheType.Q8_0;
        quantizedVWithoutFlash.FlashAttention = Gemma4FlashAttention.Disabled;

        var a = await Assert.ThrowsAnyAsync<ArgumentException>(() => Gemma4Model.LoadAsync(bad));
        var b = await Assert.ThrowsAnyAsync<ArgumentException>(() => Gemma4Model.LoadAsync(quantizedVWithoutFlash));
        var c = await Assert.ThrowsAnyAsync<ArgumentException>(() => Gemma4Model.LoadAsync(new Gemma4ModelOptions()));
        var moreSequencesThanBatch = TinyChatModel.Options(path);
        moreSequencesThanBatch.BatchSize = moreSequencesThanBatch.MicroBatchSize = 4;
        moreSequencesThanBatch.MaxParallelSequences = 8; // llama.cpp would abort the process (n_outputs_max assert)
        var d = await Assert.ThrowsAnyAsync<ArgumentException>(() => Gemma4Model.LoadAsync(moreSequencesThanBatch));

        Assert.Contains("MaxParallelSequences", d.Message, StringComparison.Ordinal);
        Assert.Contains("MicroBatchSize", a.Message, StringComparison.Ordinal);
        Assert.Contains("FlashAttention", b.Message, StringComparison.Ordinal);
        Assert.Contains("ModelPath", c.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuantizedKvCache_LoadsAndGenerates()
    {
        var options = TinyChatModel.Options(TestModels.TestModels.Gemma4());
        options.KeyCacheType = Gemma4KvCacheType.Q8_0;
        options.ValueCacheType = Gemma4KvCacheType.Q8_0;
        using var model = await Gemma4Model.LoadAsync(options);
        using var client = new Gemma4ChatClient(model);

        var response = await client.GetResponseAsync("hi", new ChatOptions { Temperature = 0, MaxOutputTokens = 3 });
        Assert.Equal(3, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task Dispose_FailsRunningRequests_WithObjectDisposed()
    {
        var options = TinyChatModel.Options(TestModels.TestModels.Gemma4());
        var model = await Gemma4Model.LoadAsync(options);
        var client = new Gemma4ChatClient(model);
        var stream = client.GetStreamingResponseAsync("go", EndlessOptions.Create()).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());

        model.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
        {
            while (await stream.MoveNextAsync())
            {
            }
        });
        await stream.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync("again"));
    }

    [Fact]
    public async Task Dispose_FailsACallerWaitingForAQueuePlace_WithObjectDisposed()
    {
        var options = TinyChatModel.Options(TestModels.TestModels.Gemma4());
        options.MaxParallelSequences = 1;
        options.MaxQueuedRequests = 0;
        var model = await Gemma4Model.LoadAsync(options);
        using var client = new Gemma4ChatClient(model);
        var stream = client.GetStreamingResponseAsync("go", EndlessOptions.Create()).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());

        // The only place is taken: this call waits for one.
        var waiting = client.GetResponseAsync("second", new ChatOptions { Temperature = 0, MaxOutputTokens = 3 });
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);

        model.Dispose();

        var waiter = await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        var running = await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
        {
            while (await stream.MoveNextAsync())
            {
            }
        });
        await stream.DisposeAsync();

        // Both name the model, not a semaphore disposed under them.
        Assert.Equal(nameof(Gemma4Model), waiter.ObjectName);
        Assert.Equal(nameof(Gemma4Model), running.ObjectName);
    }

    [Fact]
    public async Task StreamThatFinishedBeforeDispose_EndsNormallyAfterIt()
    {
        var model = await Gemma4Model.LoadAsync(TinyChatModel.Options(TestModels.TestModels.Gemma4()));
        var request = new GenerationRequest(model.Tokenizer.TokenizeContent("hi"))
        {
            Sampling = new SamplingParameters { Temperature = 0 },
            MaxOutputTokens = 3,
        };
        var stream = model.Engine.GenerateAsync(request).GetAsyncEnumerator();
        do
        {
            Assert.True(await stream.MoveNextAsync());
        }
        while (!stream.Current.IsFinal);

        model.Dispose();

        // The response was complete: leaving the stream must not turn it into an error.
        Assert.False(await stream.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task DisposedModel_RefusesEveryCall_BeforeTouchingNativeMemory()
    {
        var model = await Gemma4Model.LoadAsync(TinyChatModel.Options(TestModels.TestModels.Gemma4()));
        var client = new Gemma4ChatClient(model);
        Assert.Equal(1, (await client.GetResponseAsync("hi", new ChatOptions { Temperature = 0, MaxOutputTokens = 1 })).Usage!.OutputTokenCount);

        model.Dispose();

        // The model itself refuses (the tokenizer reads the freed weights otherwise), not the engine after tokenizing.
        var response = await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync("again"));
        var stream = Assert.Throws<ObjectDisposedException>(() => client.GetStreamingResponseAsync("again"));
        var count = Assert.Throws<ObjectDisposedException>(() => model.CountTokens("again"));
        Assert.All([response, stream, count], e => Assert.Equal(typeof(Gemma4Model).FullName, e.ObjectName));
    }

    [Fact]
    public async Task DisposingTheModel_StopsItsEmbeddingGenerators_AndTheyRefuseLaterCalls()
    {
        var model = await Gemma4Model.LoadAsync(TinyChatModel.Options(TestModels.TestModels.GemmaEmbedding()));
        var generator = new Gemma4EmbeddingGenerator(model, new Gemma4EmbeddingGeneratorOptions { Threads = 1 });
        Assert.Single(await generator.GenerateAsync(["before"]));

        model.Dispose();

        // The generator's context was made from the model's weights: the model stops it before freeing them.
        Assert.True(generator.Engine.IsDisposed);
        var ex = await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["after"]));
        Assert.Equal(typeof(Gemma4Model).FullName, ex.ObjectName);
        Assert.Throws<ObjectDisposedException>(() => generator.CountTokens("after"));
        generator.Dispose();
        Assert.Throws<ObjectDisposedException>(() => new Gemma4EmbeddingGenerator(model));
    }

    private static async Task CycleAsync(Gemma4ModelOptions options, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var model = await Gemma4Model.LoadAsync(options);
            using var client = new Gemma4ChatClient(model);
            await client.GetResponseAsync("hi", new ChatOptions { Temperature = 0, MaxOutputTokens = 1 });
        }
    }

    private static int OpenFileDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    private static int Threads() => Directory.GetDirectories("/proc/self/task").Length;

    private static int Mappings(string path) => File.ReadAllLines("/proc/self/maps").Count(l => l.EndsWith(path, StringComparison.Ordinal));

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static long Rss()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }

    private sealed class SyncProgress(Action<float> report) : IProgress<float>
    {
        public void Report(float value) => report(value);
    }
}
