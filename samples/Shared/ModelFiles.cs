using System.Globalization;
using Gemma4.AI;

namespace Gemma4.Samples;

/// <summary>
/// Finds the GGUF file to run: a path given on the command line, or a catalogue model (and its projector, for images
/// and audio) downloaded (once) into the local cache. Honours <c>HF_TOKEN</c> (gated repositories), <c>HF_ENDPOINT</c> (a mirror) and <c>GEMMA4_MODEL_CACHE</c>.
/// </summary>
internal static class ModelFiles
{
    /// <summary>Returns <paramref name="path"/>, or downloads the named (or default) catalogue model; null after printing why not.</summary>
    public static async Task<string?> ResolveAsync(string? path, string? catalogueName, Gemma4ModelFile fallback, CancellationToken cancellationToken)
    {
        if (path is not null)
        {
            return path;
        }

        var file = catalogueName is null ? fallback : Gemma4ModelCatalog.Find(catalogueName);
        if (file is null)
        {
            Console.Error.WriteLine($"Unknown model '{catalogueName}'. Known models:");
            PrintCatalogue(Console.Error);
            return null;
        }

        return await DownloadAsync(file, cancellationToken);
    }

    /// <summary>
    /// Downloads (once) the projector published next to the named (or default) catalogue model, which images and audio
    /// need; null when the model has none (the text-only sizes) or after printing why the download failed.
    /// </summary>
    public static async Task<string?> ResolveProjectorAsync(string? catalogueName, Gemma4ModelFile fallback, CancellationToken cancellationToken)
    {
        var file = catalogueName is null ? fallback : Gemma4ModelCatalog.Find(catalogueName);
        return file?.Projector is { } projector ? await DownloadAsync(projector, cancellationToken) : null;
    }

    private static async Task<string?> DownloadAsync(Gemma4ModelFile file, CancellationToken cancellationToken)
    {
        var options = new Gemma4ModelDownloaderOptions { AccessToken = Environment.GetEnvironmentVariable("HF_TOKEN") };
        if (Environment.GetEnvironmentVariable("HF_ENDPOINT") is { Length: > 0 } endpoint)
        {
            options.BaseAddress = new Uri(endpoint);
        }

        using var downloader = new Gemma4ModelDownloader(options);
        if (downloader.TryGetCached(file, out var cached))
        {
            return cached;
        }

        var size = file.ApproximateSizeBytes is { } bytes ? string.Create(CultureInfo.InvariantCulture, $" (about {bytes / 1e9:0.0} GB)") : string.Empty;
        Console.WriteLine($"Downloading {file}{size} into {downloader.CacheDirectory}.");
        Console.WriteLine("Ctrl+C stops; running again resumes. Gemma is provided under Google's Gemma terms (see the model page).");
        try
        {
            using var bar = new ProgressBar("Downloading " + file.FileName);
            return await downloader.DownloadAsync(file, bar, cancellationToken);
        }
        catch (Gemma4DownloadException ex)
        {
            Console.Error.WriteLine($"Download failed: {ex.Message}");
            Console.Error.WriteLine("Or download it yourself and pass --model path/to/file.gguf.");
            return null;
        }
    }

    public static void PrintCatalogue(TextWriter writer)
    {
        foreach (var f in Gemma4ModelCatalog.All)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {f.Name,-20} {f.ApproximateSizeBytes / 1e9,5:0.0} GB  {f}"));
        }
    }
}
