using Gemma4.AI.Download;

namespace Gemma4.AI;

/// <summary>
/// Downloads GGUF files from Hugging Face (<c>{BaseAddress}/{repository}/resolve/{revision}/{file}</c>) into a local
/// cache, so a model is fetched once and then loaded from disk.
/// </summary>
/// <remarks>
/// <para>A download is written to <c>{file}.partial</c> beside its place in the cache and moved into place only when it
/// is complete and, when <see cref="Gemma4ModelFile.Sha256"/> is set, verified: a file under its real name is always
/// whole. A transfer that breaks off is resumed with an HTTP Range request, within the same call (up to
/// <see cref="Gemma4ModelDownloaderOptions.MaxAttempts"/>) and by any later call, which also picks up after a
/// cancellation or a crash. A file already in the cache is returned without any network access.</para>
/// <para>Failures throw <see cref="Gemma4DownloadException"/> naming the URL or file and the reason (offline, not
/// found, gated, checksum mismatch, interrupted). A download of the same file by another process into the same cache
/// is refused (<see cref="Gemma4DownloadFailure.InUse"/>) rather than interleaved. Thread-safe.</para>
/// </remarks>
/// <example>
/// <code>
/// using var downloader = new Gemma4ModelDownloader();
/// var path = await downloader.DownloadAsync(Gemma4ModelCatalog.E2B, new Progress&lt;Gemma4DownloadProgress&gt;(p => Console.Write($"\r{p.Fraction:P0}")));
/// using var model = await Gemma4Model.LoadAsync(new Gemma4ModelOptions { ModelPath = path });
/// </code>
/// </example>
public sealed class Gemma4ModelDownloader : IDisposable
{
    /// <summary>Environment variable that overrides <see cref="DefaultCacheDirectory"/>.</summary>
    public const string CacheEnvironmentVariable = "GEMMA4_MODEL_CACHE";

    private readonly Gemma4ModelDownloaderOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>Creates a downloader.</summary>
    /// <param name="options">Settings (copied); null uses the defaults.</param>
    /// <param name="httpClient">The client to download with (not disposed with the downloader); null creates one.</param>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public Gemma4ModelDownloader(Gemma4ModelDownloaderOptions? options = null, HttpClient? httpClient = null)
    {
        _options = options?.Clone() ?? new Gemma4ModelDownloaderOptions();
        _options.Validate();
        CacheDirectory = Path.GetFullPath(_options.CacheDirectory ?? DefaultCacheDirectory);
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = System.Net.DecompressionMethods.None, // byte offsets must be the file's
        })
        {
            Timeout = Timeout.InfiniteTimeSpan, // large files: stalls are caught per read instead
        };
    }

    /// <summary>
    /// The default cache: <c>$GEMMA4_MODEL_CACHE</c> if set; else <c>%LOCALAPPDATA%\Gemma4.AI\models</c> on Windows,
    /// <c>~/Library/Caches/gemma4-ai/models</c> on macOS, and <c>$XDG_CACHE_HOME/gemma4-ai/models</c> (default
    /// <c>~/.cache/gemma4-ai/models</c>) elsewhere.
    /// </summary>
    public static string DefaultCacheDirectory
    {
        get
        {
            if (Environment.GetEnvironmentVariable(CacheEnvironmentVariable) is { Length: > 0 } configured)
            {
                return configured;
            }

            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (OperatingSystem.IsWindows())
            {
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Gemma4.AI", "models");
            }

            if (OperatingSystem.IsMacOS())
            {
                return Path.Combine(home, "Library", "Caches", "gemma4-ai", "models");
            }

            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".cache") : xdg, "gemma4-ai", "models");
        }
    }

    /// <summary>The folder this downloader keeps files in (absolute).</summary>
    public string CacheDirectory { get; }

    /// <summary>The URL a file is downloaded from.</summary>
    /// <param name="file">The file.</param>
    /// <exception cref="ArgumentException">The repository, file or revision name is invalid.</exception>
    public Uri GetDownloadUri(Gemma4ModelFile file)
    {
        ModelFileNames.Validate(file);
        return ModelFileNames.DownloadUri(_options.BaseAddress, file);
    }

    /// <summary>Where a file is (or will be) in the cache: <c>{cache}/{owner}/{name}/{revision}/{file}</c>.</summary>
    /// <param name="file">The file.</param>
    /// <exception cref="ArgumentException">The repository, file or revision name is invalid.</exception>
    public string GetCachePath(Gemma4ModelFile file)
    {
        ModelFileNames.Validate(file);
        return ModelFileNames.CachePath(CacheDirectory, file);
    }

    /// <summary>Whether a file is already complete in the cache (no network access).</summary>
    /// <param name="file">The file.</param>
    /// <param name="path">Its path when cached.</param>
    public bool TryGetCached(Gemma4ModelFile file, out string path)
    {
        path = GetCachePath(file);
        return File.Exists(path);
    }

    /// <summary>Downloads a file from a repository (revision <c>main</c>, no checksum) unless it is already cached.</summary>
    /// <param name="repository">The repository, <c>owner/name</c>.</param>
    /// <param name="fileName">The file's path in the repository.</param>
    /// <param name="progress">Receives bytes received and the total, about 10 times a second.</param>
    /// <param name="cancellationToken">Stops the download; what was received stays for the next call to resume.</param>
    /// <returns>The full path of the file in the cache.</returns>
    public Task<string> DownloadAsync(string repository, string fileName, IProgress<Gemma4DownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        DownloadAsync(new Gemma4ModelFile(repository, fileName), progress, cancellationToken);

    /// <summary>Downloads a file unless it is already cached, resuming an earlier partial download.</summary>
    /// <param name="file">The file (for example a <see cref="Gemma4ModelCatalog"/> entry).</param>
    /// <param name="progress">Receives bytes received and the total, about 10 times a second.</param>
    /// <param name="cancellationToken">Stops the download; what was received stays for the next call to resume.</param>
    /// <returns>The full path of the file in the cache.</returns>
    /// <exception cref="ArgumentException">The repository, file or revision name is invalid.</exception>
    /// <exception cref="Gemma4DownloadException">The download failed; <see cref="Gemma4DownloadException.Failure"/> says why.</exception>
    public async Task<string> DownloadAsync(Gemma4ModelFile file, IProgress<Gemma4DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var target = GetCachePath(file);
        var uri = ModelFileNames.DownloadUri(_options.BaseAddress, file);
        if (File.Exists(target))
        {
            var length = new FileInfo(target).Length;
            progress?.Report(new Gemma4DownloadProgress(file.FileName, length, length, length));
            return target;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using (AcquireLock(target, uri, file))
        {
            if (File.Exists(target))
            {
                return target; // another process finished it while we waited for the lock
            }

            var partialPath = target + ".partial";
            try
            {
                await DownloadToPartialAsync(file, uri, partialPath, progress, cancellationToken).ConfigureAwait(false);
            }
            catch when (new FileInfo(partialPath) is { Exists: true, Length: 0 })
            {
                File.Delete(partialPath); // nothing worth resuming: leave no trace
                throw;
            }

            // Only a complete, verified file ever appears under the real name (a rename on the same volume is atomic).
            File.Move(partialPath, target, overwrite: true);
        }

        return target;
    }

    /// <summary>Disposes the HTTP client if the downloader created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task DownloadToPartialAsync(Gemma4ModelFile file, Uri uri, string partialPath, IProgress<Gemma4DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        string? actual;
        await using (var partial = new FileStream(partialPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true))
        {
            using var transfer = new ModelFileTransfer(_http, uri, file.FileName, partial, file.Sha256 is not null, _options, progress);
            await transfer.StartAsync(cancellationToken).ConfigureAwait(false);
            await TransferWithRetriesAsync(transfer, uri, file, cancellationToken).ConfigureAwait(false);
            await partial.FlushAsync(cancellationToken).ConfigureAwait(false);
            partial.Flush(flushToDisk: true);
            actual = transfer.FinishHash();
        }

        if (file.Sha256 is { } expected && !string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(partialPath);
            throw new Gemma4DownloadException(Gemma4DownloadFailure.ChecksumMismatch, uri,
                $"The file downloaded from {uri} has SHA-256 {actual}, but {expected} was expected; it was deleted. " +
                "The file may have changed upstream (pin a Revision) or the expected checksum is wrong.");
        }
    }

    private async Task TransferWithRetriesAsync(ModelFileTransfer transfer, Uri uri, Gemma4ModelFile file, CancellationToken cancellationToken)
    {
        var delay = _options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await transfer.RunOnceAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ServerUnreachableException ex) when (transfer.ReceivedThisCall > 0 && attempt < _options.MaxAttempts)
            {
                // The network went away mid-download: worth waiting for. Unreachable from the start is reported at once.
                _ = ex;
            }
            catch (ServerUnreachableException ex)
            {
                throw new Gemma4DownloadException(Gemma4DownloadFailure.Offline, uri,
                    $"Could not reach {uri.Host} to download {file}: {ex.Message} Check the network connection (or pass the path of a GGUF file that is already on disk). URL: {uri}",
                    innerException: ex.InnerException);
            }
            catch (TransientDownloadException) when (attempt < _options.MaxAttempts)
            {
                // Broken off or a 5xx answer: try again from where the file ends.
            }
            catch (TransientDownloadException ex)
            {
                var failure = ex.StatusCode is null ? Gemma4DownloadFailure.Interrupted : Gemma4DownloadFailure.HttpError;
                var kept = transfer.TotalBytes is { } total ? $"{transfer.BytesOnDisk} of {total} bytes" : $"{transfer.BytesOnDisk} bytes";
                throw new Gemma4DownloadException(failure, uri,
                    $"The download of {file} from {uri} failed {attempt} times ({ex.Message}). The {kept} received are kept; run again to resume.",
                    ex.StatusCode, ex);
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay += delay;
        }
    }

    private FileStream AcquireLock(string target, Uri uri, Gemma4ModelFile file)
    {
        try
        {
            // Held for the whole download, including the final move, so two processes never share a partial file.
            return new FileStream(target + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException ex)
        {
            throw new Gemma4DownloadException(Gemma4DownloadFailure.InUse, uri,
                $"{file} is being downloaded into {CacheDirectory} by another process; wait for it to finish.", innerException: ex);
        }
    }
}
