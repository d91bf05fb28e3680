namespace Gemma4.AspNet;

/// <summary>The "Server" configuration section.</summary>
internal sealed class ServerSettings
{
    /// <summary>When set (or GEMMA4_API_KEY), /v1 requests need <c>Authorization: Bearer</c> with this key.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Largest request body; Kestrel answers 413 beyond it. Default 4 MiB (about 1M tokens of text).</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Catalogue model downloaded when Gemma4:ModelPath is empty.</summary>
    public string ChatModel { get; set; } = "gemma-4-e2b";

    /// <summary>Catalogue model downloaded when Gemma4Embeddings:ModelPath is empty; "none" serves no embeddings.</summary>
    public string EmbeddingModel { get; set; } = "embeddinggemma-300m";

    public bool EmbeddingsEnabled => !string.Equals(EmbeddingModel, "none", StringComparison.OrdinalIgnoreCase);
}
