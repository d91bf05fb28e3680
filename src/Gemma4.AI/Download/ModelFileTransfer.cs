using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Gemma4.AI.Download;

/// <summary>
/// One download into a <c>.partial</c> file: appends to what is already there (HTTP Range), hashes as it writes, and
/// reports progress. Each <see cref="RunOnceAsync"/> is one HTTP request; the caller retries interrupted ones.
/// </summary>
internal sealed class ModelFileTransfer : IDisposable
{
    private static readonly ProductInfoHeaderValue UserAgent = new("Gemma4.AI", typeof(ModelFileTransfer).Assembly.GetName().Version?.ToString(3) ?? "0");
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    private readonly HttpClient _http;
    private readonly Uri _uri;
    private readonly string _fileName;
    private readonly FileStream _partial;
    private readonly Gemma4ModelDownloaderOptions _options;
    private readonly IProgress<Gemma4DownloadProgress>? _progress;
    private readonly bool _hashing;
    private readonly long _resumedBytes;
    private readonly Stopwatch _sinceReport = new();
    private IncrementalHash? _hash;

    public ModelFileTransfer(HttpClient http, Uri uri, string fileName, FileStream partial, bool hashing, Gemma4ModelDownloaderOptions options, IProgress<Gemma4DownloadProgress>? progress)
    {
        _http = http;
        _uri = uri;
        _fileName = fileName;
        _partial = partial;
        _options = options;
        _progress = progress;
        _hashing = hashing;
        _resumedBytes = partial.Length;
    }

    /// <summary>The file's size, once a response has told it.</summary>
    public long? TotalBytes { get; private set; }

    /// <summary>Bytes received in this call (not counting resumed ones): a retry is worth it only after progress.</summary>
    public long ReceivedThisCall { get; private set; }

    /// <summary>Bytes in the partial file now.</summary>
    public long BytesOnDisk => _partial.Length;

    /// <summary>The SHA-256 of the whole file, once complete (null when not hashing).</summary>
    public string? FinishHash() => _hash is null ? null : Convert.ToHexStringLower(_hash.GetHashAndReset());

    /// <summary>Hashes what an earlier call left in the partial file, so the hash covers the whole file.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_hashing)
        {
            _partial.Seek(0, SeekOrigin.End);
            return;
        }

        _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        _partial.Seek(0, SeekOrigin.Begin);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = await _partial.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            _hash.AppendData(buffer, 0, read);
        }
    }

    /// <summary>Sends one request for the rest of the file and appends the answer; throws on any failure.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var offset = _partial.Length;
        using var request = new HttpRequestMessage(HttpMethod.Get, _uri);
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        if (_options.AccessToken is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.UserAgent.Add(UserAgent);

        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && offset > 0)
        {
            // The partial file is not a prefix of what the server has now (it changed, or is shorter): start over.
            Restart();
            throw new TransientDownloadException("the server refused to resume; starting over");
        }

        ThrowIfError(response);
        if (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange is { } range)
        {
            if (range.From != offset)
            {
                Restart();
                throw new TransientDownloadException($"the server resumed at byte {range.From} instead of {offset}; starting over");
            }

            TotalBytes = range.Length;
        }
        else
        {
            // A full answer (the server ignored the Range header): replace whatever was there.
            if (offset > 0)
            {
                Restart();
            }

            TotalBytes = response.Content.Headers.ContentLength;
        }

        Report(force: true);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await CopyAsync(body, cancellationToken).ConfigureAwait(false);
        if (TotalBytes is { } total && _partial.Length != total)
        {
            throw new TransientDownloadException($"the connection closed after {_partial.Length} of {total} bytes");
        }

        TotalBytes ??= _partial.Length;
        Report(force: true);
    }

    public void Dispose() => _hash?.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null && !cancellationToken.IsCancellationRequested)
        {
            throw new ServerUnreachableException(ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ServerUnreachableException(ex); // HttpClient.Timeout while connecting
        }
    }

    private void ThrowIfError(HttpResponseMessage response)
    {
        var status = response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var code = (int)status;
        var detail = $"{_uri} answered HTTP {code} ({response.ReasonPhrase})";
        throw status switch
        {
            HttpStatusCode.NotFound => new Gemma4DownloadException(Gemma4DownloadFailure.NotFound, _uri,
                $"{_fileName} was not found: {detail}. Check the repository, revision and file name.", status),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new Gemma4DownloadException(Gemma4DownloadFailure.AccessDenied, _uri,
                $"Access to {_fileName} was denied: {detail}. The repository may be gated or private: accept its terms on the model page and set an access token (Gemma4ModelDownloaderOptions.AccessToken, for example from HF_TOKEN).", status),
            HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout => new TransientDownloadException(detail, status),
            _ when code >= 500 => new TransientDownloadException(detail, status),
            _ => new Gemma4DownloadException(Gemma4DownloadFailure.HttpError, _uri, $"Could not download {_fileName}: {detail}.", status),
        };
    }

    private async Task CopyAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 17];
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            int read;
            idle.CancelAfter(_options.ReadTimeout);
            try
            {
                read = await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TransientDownloadException($"no data for {_options.ReadTimeout.TotalSeconds:0} s");
            }
            catch (IOException ex)
            {
                throw new TransientDownloadException($"the connection broke after {_partial.Length} bytes: {ex.Message}", innerException: ex);
            }
            catch (HttpRequestException ex)
            {
                throw new TransientDownloadException($"the connection broke after {_partial.Length} bytes: {ex.Message}", innerException: ex);
            }

            if (read == 0)
            {
                return;
            }

            await _partial.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            _hash?.AppendData(buffer, 0, read);
            ReceivedThisCall += read;
            Report(force: false);
        }
    }

    private void Restart()
    {
        _partial.SetLength(0);
        _partial.Seek(0, SeekOrigin.Begin);
        if (_hashing)
        {
            _hash?.Dispose();
            _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
    }

    private void Report(bool force)
    {
        if (_progress is null || (!force && _sinceReport.IsRunning && _sinceReport.Elapsed < ProgressInterval))
        {
            return;
        }

        _sinceReport.Restart();
        _progress.Report(new Gemma4DownloadProgress(_fileName, _partial.Length, TotalBytes, _resumedBytes));
    }
}

/// <summary>A failure worth retrying (a broken-off transfer, a 5xx/429 answer); the partial file is kept.</summary>
internal sealed class TransientDownloadException(string message, HttpStatusCode? statusCode = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;
}

/// <summary>The server could not be reached at all.</summary>
internal sealed class ServerUnreachableException(Exception innerException) : Exception(innerException.Message, innerException);
