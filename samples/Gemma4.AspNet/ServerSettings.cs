namespace Gemma4.AspNet;

/// <summary>The "Server" configuration section.</summary>
internal sealed class ServerSettings
{
    /// <summary>When set (or GEMMA4_API_KEY), /v1 requests need <c>Authorization: Bearer</c> with this key.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Largest request body; Kestrel answers 413 beyond it. Default 16 MiB: about 4M tokens of text, or a 12 MB photo
    /// as base64 in a data: URI.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Whether http(s) <c>image_url</c>s are fetched. Off by default: any client could make the server fetch any URL its
    /// network reaches (internal services included); data: URIs always work.
    /// </summary>
    public bool AllowRemoteMedia { get; set; }

    /// <summary>Largest image fetched from a URL (with <see cref="AllowRemoteMedia"/>). Default 16 MiB.</summary>
    public long RemoteMediaMaxBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long fetching an image from a URL may take (with <see cref="AllowRemoteMedia"/>). Default 10 s.</summary>
    public int RemoteMediaTimeoutSeconds { get; set; } = 10;

    /// <summary>Whether the catalogue model's projector (images, audio) is downloaded with it when Gemma4:ModelPath is empty.</summary>
    public bool DownloadProjector { get; set; } = true;

    /// <summary>Catalogue model downloaded when Gemma4:ModelPath is empty.</summary>
    public string ChatModel { get; set; } = "gemma-4-e2b";

    /// <summary>Catalogue model downloaded when Gemma4Embeddings:ModelPath is empty; "none" serves no embeddings.</summary>
    public string EmbeddingModel { get; set; } = "embeddinggemma-300m";

    public bool EmbeddingsEnabled => !string.Equals(EmbeddingModel, "none", StringComparison.OrdinalIgnoreCase);
}
