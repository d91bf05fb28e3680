namespace Gemma4.AI.Tests.Download;

public sealed class Gemma4ModelCatalogTests
{
    [Fact]
    public void All_EveryEntry_HasAUniqueNameAGgufFileAndAnApproximateSize()
    {
        Assert.Equal(6, Gemma4ModelCatalog.All.Count);
        Assert.Equal(Gemma4ModelCatalog.All.Count, Gemma4ModelCatalog.All.Select(f => f.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(Gemma4ModelCatalog.All, f =>
        {
            Assert.StartsWith("ggml-org/", f.Repository, StringComparison.Ordinal);
            Assert.EndsWith(".gguf", f.FileName, StringComparison.Ordinal);
            Assert.True(f.ApproximateSizeBytes > 100_000_000);
            Assert.Null(f.Sha256);
        });
        Assert.Single(Gemma4ModelCatalog.All, f => f.IsEmbeddingModel);
    }

    [Theory]
    [InlineData("gemma-4-e2b", "gemma-4-E2B-it-Q4_K_M.gguf")]
    [InlineData("E2B", "gemma-4-E2B-it-Q4_K_M.gguf")]
    [InlineData("e4b", "gemma-4-E4B-it-Q4_K_M.gguf")]
    [InlineData("12b", "gemma-4-12B-it-Q4_K_M.gguf")]
    [InlineData("26b-a4b", "gemma-4-26B-A4B-it-Q4_K_M.gguf")]
    [InlineData("gemma-4-31b", "gemma-4-31B-it-Q4_K_M.gguf")]
    [InlineData("embeddinggemma", "embeddinggemma-300M-Q8_0.gguf")]
    public void Find_KnownName_ReturnsTheEntry(string name, string fileName) =>
        Assert.Equal(fileName, Gemma4ModelCatalog.Find(name)?.FileName);

    [Fact]
    public void Find_UnknownName_ReturnsNull() => Assert.Null(Gemma4ModelCatalog.Find("gemma-3-1b"));

    [Fact]
    public void GetDownloadUri_CatalogueEntry_IsTheHuggingFaceResolveUrl()
    {
        using var downloader = new Gemma4ModelDownloader();

        Assert.Equal(
            "https://huggingface.co/ggml-org/gemma-4-E2B-it-GGUF/resolve/main/gemma-4-E2B-it-Q4_K_M.gguf",
            downloader.GetDownloadUri(Gemma4ModelCatalog.E2B).AbsoluteUri);
        Assert.Equal(
            "https://mirror.test/hf/org/repo/resolve/refs%2Fpr%2F1/sub/f%20x.gguf",
            new Gemma4ModelDownloader(new Gemma4ModelDownloaderOptions { BaseAddress = new Uri("https://mirror.test/hf") })
                .GetDownloadUri(new Gemma4ModelFile("org/repo", "sub/f x.gguf") { Revision = "refs/pr/1" }).AbsoluteUri);
    }

    [Fact]
    public void GetCachePath_StaysInsideTheCacheFolder()
    {
        var cache = Path.Combine(Path.GetTempPath(), "gemma4-cache-test");
        using var downloader = new Gemma4ModelDownloader(new Gemma4ModelDownloaderOptions { CacheDirectory = cache });

        var path = downloader.GetCachePath(new Gemma4ModelFile("org/repo", "q4/model.gguf") { Revision = "refs/pr/1" });

        Assert.Equal(Path.Combine(cache, "org", "repo", "refs~pr~1", "q4", "model.gguf"), path);
    }

    [Theory]
    [InlineData("org", "model.gguf")]
    [InlineData("org/repo/extra", "model.gguf")]
    [InlineData("../repo", "model.gguf")]
    [InlineData("org/repo", "../model.gguf")]
    [InlineData("org/repo", "/etc/passwd")]
    [InlineData("org/repo", "a\\b.gguf")]
    [InlineData("org/repo", "")]
    public void GetCachePath_InvalidNames_Throw(string repository, string fileName)
    {
        using var downloader = new Gemma4ModelDownloader();

        Assert.Throws<ArgumentException>(() => downloader.GetCachePath(new Gemma4ModelFile(repository, fileName)));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowNamingTheSetting()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Gemma4ModelDownloader(new Gemma4ModelDownloaderOptions { MaxAttempts = 0 }));
        Assert.Contains("MaxAttempts", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Gemma4ModelDownloader(new Gemma4ModelDownloaderOptions { BaseAddress = new Uri("ftp://x/") }));
    }

    [Fact]
    public void DefaultCacheDirectory_IsUnderTheUsersCacheUnlessOverridden()
    {
        var dir = Gemma4ModelDownloader.DefaultCacheDirectory;

        Assert.True(Path.IsPathRooted(dir));
        if (Environment.GetEnvironmentVariable(Gemma4ModelDownloader.CacheEnvironmentVariable) is null)
        {
            Assert.EndsWith(Path.Combine("models"), dir, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ChatModels_NameTheProjectorPublishedBesideThem_ExceptThe12BsUnsupportedOne()
    {
        foreach (var model in Gemma4ModelCatalog.All.Where(f => !f.IsEmbeddingModel && f != Gemma4ModelCatalog.Gemma12B))
        {
            var projector = Assert.IsType<Gemma4ModelFile>(model.Projector);
            Assert.Equal(model.Repository, projector.Repository);
            Assert.StartsWith("mmproj-", projector.FileName, StringComparison.Ordinal);
            Assert.EndsWith(".gguf", projector.FileName, StringComparison.Ordinal);
            Assert.Contains("ProjectorPath", projector.Description, StringComparison.Ordinal);
        }

        Assert.Null(Gemma4ModelCatalog.Gemma12B.Projector);
        Assert.Null(Gemma4ModelCatalog.EmbeddingGemma300M.Projector);
        Assert.Contains("audio", Gemma4ModelCatalog.E2B.Projector!.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("audio", Gemma4ModelCatalog.Gemma31B.Projector!.Description, StringComparison.Ordinal);
    }
}
