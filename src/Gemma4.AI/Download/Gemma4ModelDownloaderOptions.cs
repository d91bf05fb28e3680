namespace Gemma4.AI;

/// <summary>Settings of a <see cref="Gemma4ModelDownloader"/>.</summary>
public sealed class Gemma4ModelDownloaderOptions
{
    /// <summary>Where downloaded files are kept; null uses <see cref="Gemma4ModelDownloader.DefaultCacheDirectory"/>.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>The Hugging Face endpoint; files are fetched from <c>{BaseAddress}/{repository}/resolve/{revision}/{file}</c>. Default <c>https://huggingface.co/</c>.</summary>
    public Uri BaseAddress { get; set; } = new("https://huggingface.co/");

    /// <summary>A Hugging Face access token, sent as a bearer token (needed for gated or private repositories).</summary>
    public string? AccessToken { get; set; }

    /// <summary>Tries of one download: a transfer that breaks off is resumed where it stopped, up to this many times in all. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Pause before the first retry; it doubles with each further one. Default 1 second.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A transfer that receives nothing for this long is treated as broken off (and resumed). Default 60 seconds.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Creates a copy, so a downloader never sees later changes.</summary>
    public Gemma4ModelDownloaderOptions Clone() => (Gemma4ModelDownloaderOptions)MemberwiseClone();

    /// <summary>Checks every value and throws an <see cref="ArgumentException"/> naming the first bad setting.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(BaseAddress, nameof(BaseAddress));
        if (!BaseAddress.IsAbsoluteUri || (BaseAddress.Scheme != Uri.UriSchemeHttps && BaseAddress.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"Gemma4ModelDownloaderOptions.BaseAddress must be an absolute http(s) URL; got '{BaseAddress}'.", nameof(BaseAddress));
        }

        if (CacheDirectory is { } dir && string.IsNullOrWhiteSpace(dir))
        {
            throw new ArgumentException("Gemma4ModelDownloaderOptions.CacheDirectory must be null (the default) or a folder path.", nameof(CacheDirectory));
        }

        Require(MaxAttempts >= 1, nameof(MaxAttempts), MaxAttempts, "at least 1");
        Require(RetryDelay >= TimeSpan.Zero, nameof(RetryDelay), RetryDelay, "zero or more");
        Require(ReadTimeout > TimeSpan.Zero, nameof(ReadTimeout), ReadTimeout, "more than zero");
    }

    private static void Require(bool condition, string name, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Gemma4ModelDownloaderOptions.{name} must be {expected}; got {value}.");
        }
    }
}
