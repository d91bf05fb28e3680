using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Gemma4.AI.IntegrationTests.Support;

namespace Gemma4.AI.IntegrationTests.Download;

/// <summary>Gemma4ModelDownloader against a local Hugging Face stand-in serving a generated GGUF.</summary>
public sealed class ModelDownloaderTests
{
    private const string Repository = "test-org/gemma-4-tiny-GGUF";
    private const string FileName = "gemma-4-tiny-Q8_0.gguf";

    private static readonly byte[] Gguf = System.IO.File.ReadAllBytes(TestModels.TestModels.Gemma4());
    private static readonly string GgufSha256 = Convert.ToHexStringLower(SHA256.HashData(Gguf));

    [Fact]
    public async Task DownloadAsync_GeneratedGguf_ReportsProgressAndPlacesAVerifiedLoadableFile()
    {
        using var cache = new TempDirectory();
        await using var server = await ModelFileServer.StartAsync(Gguf, Repository, FileName);
        using var downloader = Downloader(server, cache);
        var reports = new List<Gemma4DownloadProgress>();

        var path = await downloader.DownloadAsync(File(), new SyncProgress(reports.Add));

        Assert.Equal(Path.Combine(cache.Path, "test-org", "gemma-4-tiny-GGUF", "main", FileName), path);
        Assert.Equal(Gguf, await System.IO.File.ReadAllBytesAsync(path));
        Assert.True(reports.Count >= 2, "a first report with the size and a last one at 100%");
        Assert.All(reports, r => Assert.Equal(Gguf.Length, r.TotalBytes));
        Assert.Equal(reports.Select(r => r.BytesReceived).Order(), reports.Select(r => r.BytesReceived));
        Assert.Equal(1.0, reports[^1].Fraction);
        AssertOnlyFinalFile(cache, path);

        // Cached: no second request, same path.
        Assert.True(downloader.TryGetCached(File(), out var cached));
        Assert.Equal(path, await downloader.DownloadAsync(File()));
        Assert.Equal(path, cached);
        Assert.Single(server.Requests);

        using var model = await Gemma4Model.LoadAsync(new Gemma4ModelOptions { ModelPath = path, ContextSize = 256, Threads = 1 });
        Assert.Equal("gemma4-tiny-test", model.ModelId);
    }

    [Fact]
    public async Task DownloadAsync_ConnectionDropsMidway_ResumesWithRangeInTheSameCall()
    {
        using var cache = new TempDirectory();
        await using var server = await ModelFileServer.StartAsync(Gguf, Repository, FileName);
        var cut = Gguf.Length * 2 / 5;
        server.DropAfter.Enqueue(cut);
        using var downloader = Downloader(server, cache);

        var path = await downloader.DownloadAsync(File());

        Assert.Equal(Gguf, await System.IO.File.ReadAllBytesAsync(path));
        Assert.Equal(2, server.Requests.Count);
        Assert.InRange(ResumedFrom(server.Requests.Last()), 1, cut); // a reset may lose the last bytes in flight
        AssertOnlyFinalFile(cache, path);
    }

    [Fact]
    public async Task DownloadAsync_InterruptedOutOfAttempts_KeepsPartialAndTheNextCallResumes()
    {
        using var cache = new TempDirectory();
        await using var server = await ModelFileServer.StartAsync(Gguf, Repository, FileName);
        var cut = Gguf.Length / 3;
        server.DropAfter.Enqueue(cut);
        using var downloader = Downloader(server, cache, maxAttempts: 1);

        var ex = await Assert.ThrowsAsync<Gemma4DownloadException>(() => downloader.DownloadAsync(File()));

        Assert.Equal(Gemma4DownloadFailure.Interrupted, ex.Failure);
        Assert.Contains("run again to resume", ex.Message, StringComparison.Ordinal);
        var target = downloader.GetCachePath(File());
        Assert.False(System.IO.File.Exists(target), "nothing half-written under the real name");
        var kept = new FileInfo(target + ".partial").Length;
        Assert.InRange(kept, 1, cut);

        var reports = new List<Gemma4DownloadProgress>();
        var path = await downloader.DownloadAsync(File(), new SyncProgress(reports.Add));

        Assert.Equal(Gguf, await System.IO.File.ReadAllBytesAsync(path));
        Assert.Equal(["", $"bytes={kept}-"], server.Requests);
        Assert.All(reports, r => Assert.Equal(kept, r.ResumedBytes));
        Assert.Equal(kept, reports[0].BytesReceived);
        AssertOnlyFinalFile(cache, path);
    }

    [Fact]
    public async Task DownloadAsync_ChecksumMismatch_RejectsAndLeavesNothingInTheCache()
    {
        using var cache = new TempDirectory();
        await using var server = await ModelFileServer.StartAsync(Gguf, Repository, FileName);
        using var downloader = Downloader(server, cache);
        var wrong = File() with { Sha256 = new string('0', 64) };

        var ex = await Assert.ThrowsAsync<Gemma4DownloadException>(() => downloader.DownloadAsync(wrong));

        Assert.Equal(Gemma4DownloadFailure.ChecksumMismatch, ex.Failure);
        Assert.Contains(GgufSha256, ex.Message, StringComparison.Ordinal);
        Assert.Contains(downloader.GetDownloadUri(wrong).ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(cache.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DownloadAsync_ResumedDownloadWithChecksum_HashesTheWholeFile()
    {
        using var cache = new TempDirectory();
        await using var server = await ModelFileServer.StartAsync(Gguf, Repository, FileName);
        server.DropAfter.Enqueue(Gguf.Length / 2);
        using (var first = Downloader(server, cache, maxAttempts: 1))
        {
            await Assert.ThrowsAsync<Gemma4DownloadException>(() => first.DownloadAsync(File()));
        }

        using var downloader = Downloader(server, cache);
        var path = await downloader.DownloadAsync(File());

        Assert.Equal(Gguf, await System.IO.File.ReadAllBytesAsync(path));
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task DownloadAsync_Cancelled_KeepsThePartialFileOnlyUnderItsTemporaryName()
    {
        using var cache = new TempDirectory();
        await using var server = await ModelFileServer.StartAsync(Gguf, Repository, FileName);
        server.StallAfter = 100_000;
        using var downloader = Downloader(server, cache);
        using var cts = new CancellationTokenSource();
        _ = server.Stalled.Task.ContinueWith(_ => cts.CancelAfter(300), TaskScheduler.Default);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => downloader.DownloadAsync(File(), cancellationToken: cts.Token));

        var target = downloader.GetCachePath(File());
        Assert.False(System.IO.File.Exists(target));
        Assert.InRange(new FileInfo(target + ".partial").Length, 1, 100_000);
        Assert.False(System.IO.File.Exists(target + ".lock"));
    }

    [Fact]
    public async Task DownloadAsync_NotFound_NamesTheUrl()
    {
        using var cache = new TempDirectory();
        await using var server = await ModelFileServer.StartAsync(Gguf, Repository, FileName);
        using var downloader = Downloader(server, cache);
        var missing = new Gemma4ModelFile(Repository, "no-such-file.gguf");

        var ex = await Assert.ThrowsAsync<Gemma4DownloadException>(() => downloader.DownloadAsync(missing));

        Assert.Equal(Gemma4DownloadFailure.NotFound, ex.Failure);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Contains(downloader.GetDownloadUri(missing).ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-file.gguf", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(cache.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DownloadAsync_GatedRepository_ExplainsAccessToken()
    {
        using var cache = new TempDirectory();
        await using var server = await ModelFileServer.StartAsync(Gguf, Repository, FileName);
        server.Status = 401;
        using var downloader = Downloader(server, cache);

        var ex = await Assert.ThrowsAsync<Gemma4DownloadException>(() => downloader.DownloadAsync(File()));

        Assert.Equal(Gemma4DownloadFailure.AccessDenied, ex.Failure);
        Assert.Contains("access token", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(cache.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DownloadAsync_ServerErrorsPersist_FailsAfterMaxAttempts()
    {
        using var cache = new TempDirectory();
        await using var server = await ModelFileServer.StartAsync(Gguf, Repository, FileName);
        server.Status = 503;
        using var downloader = Downloader(server, cache, maxAttempts: 3);

        var ex = await Assert.ThrowsAsync<Gemma4DownloadException>(() => downloader.DownloadAsync(File()));

        Assert.Equal(Gemma4DownloadFailure.HttpError, ex.Failure);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task DownloadAsync_Offline_FailsAtOnceNamingTheUrl()
    {
        using var cache = new TempDirectory();
        using var downloader = new Gemma4ModelDownloader(new Gemma4ModelDownloaderOptions
        {
            BaseAddress = new Uri($"http://127.0.0.1:{ClosedPort()}/"),
            CacheDirectory = cache.Path,
            RetryDelay = TimeSpan.Zero,
        });

        var ex = await Assert.ThrowsAsync<Gemma4DownloadException>(() => downloader.DownloadAsync(File()));

        Assert.Equal(Gemma4DownloadFailure.Offline, ex.Failure);
        Assert.Contains(downloader.GetDownloadUri(File()).ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("Could not reach 127.0.0.1", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(cache.Path, "*", SearchOption.AllDirectories));
    }

    private static Gemma4ModelFile File() => new(Repository, FileName) { Sha256 = GgufSha256 };

    private static Gemma4ModelDownloader Downloader(ModelFileServer server, TempDirectory cache, int maxAttempts = 5) =>
        new(new Gemma4ModelDownloaderOptions
        {
            BaseAddress = server.BaseAddress,
            CacheDirectory = cache.Path,
            MaxAttempts = maxAttempts,
            RetryDelay = TimeSpan.Zero,
            ReadTimeout = TimeSpan.FromSeconds(30),
        });

    private static long ResumedFrom(string range) =>
        long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);

    private static void AssertOnlyFinalFile(TempDirectory cache, string path) =>
        Assert.Equal([path], Directory.GetFiles(cache.Path, "*", SearchOption.AllDirectories));

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again when disposed: connections are refused
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; posts to the thread pool, so its calls may arrive late or out of order).</summary>
    private sealed class SyncProgress(Action<Gemma4DownloadProgress> report) : IProgress<Gemma4DownloadProgress>
    {
        public void Report(Gemma4DownloadProgress value) => report(value);
    }
}
