namespace Gemma4.AI;

/// <summary>
/// Where a Gemma 4 model is served when it does not run in this process: the <c>Remote</c> section of a registration
/// (<c>"Gemma4": { "Remote": { "Engine": "Vllm", "Endpoint": "http://gpu-box:8000/v1", "Model": "google/gemma-4-31B-it" } }</c>).
/// </summary>
/// <remarks>
/// A registration is remote when <see cref="Endpoint"/> is set; its in-process settings (ModelPath and the rest) are
/// then not used. The same <c>AddGemma4ChatClient</c>/<c>AddGemma4EmbeddingGenerator</c> call registers the same
/// service types either way, so switching is a configuration change.
/// </remarks>
public sealed class Gemma4RemoteOptions
{
    /// <summary>The longest <see cref="Timeout"/> allowed.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    /// <summary>The most <see cref="MaxRetries"/> allows.</summary>
    public const int MaxRetriesLimit = 10;

    /// <summary>The serving engine; decides the wire dialect. Default <see cref="Gemma4RemoteEngine.OpenAICompatible"/>.</summary>
    public Gemma4RemoteEngine Engine { get; set; } = Gemma4RemoteEngine.OpenAICompatible;

    /// <summary>
    /// The server's address: the API base for OpenAI-shaped engines (<c>http://host:8000/v1</c>; a bare
    /// <c>http://host:8000</c> gets <c>/v1</c> appended), the server root for Ollama (<c>http://host:11434</c>).
    /// Null keeps the registration in-process.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// The model name the engine serves (vLLM's <c>--served-model-name</c>, Ollama's tag such as <c>gemma4:e4b</c>).
    /// Required for Ollama; for the OpenAI-shaped engines null takes the first model <c>/v1/models</c> lists.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer</c> when set (vLLM <c>--api-key</c>, llama-server <c>--api-key</c>, a gateway's key).</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The longest the client waits for the engine: for response headers (the whole answer, when not streaming) and
    /// between two streamed chunks; also bounds connecting. Default 5 minutes, at most <see cref="MaxTimeout"/>.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often a request that failed before any response arrived (connection refused, 408, 429, 502, 503, 504) is
    /// sent again, honouring <c>Retry-After</c>. A response that has started streaming is never replayed. Default 2.
    /// </summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>
    /// Whether host start-up asks the engine which models it serves (<c>/v1/models</c>, llama-server <c>/props</c>,
    /// Ollama <c>/api/show</c>) and stops when the model is missing. An engine that cannot be reached is logged and left
    /// to the health check. Default true.
    /// </summary>
    public bool ProbeOnStart { get; set; } = true;

    /// <summary>Whether these options make the registration remote (<see cref="Endpoint"/> is set).</summary>
    public bool IsConfigured => Endpoint is not null && Endpoint.OriginalString.Length > 0;

    /// <summary>Creates a copy, so a client never sees later changes.</summary>
    public Gemma4RemoteOptions Clone() => (Gemma4RemoteOptions)MemberwiseClone();

    /// <summary>Checks every value and throws an <see cref="ArgumentException"/> naming the first bad setting.</summary>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public void Validate()
    {
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException(
                $"Gemma4RemoteOptions.Endpoint must be an absolute http(s) address such as http://localhost:8000/v1; got '{WithoutUserInfo(Endpoint)}'.",
                "Remote:Endpoint");
        }

        // HttpClient never sends an address's user:password, and every message and log line that names the endpoint would
        // show it: the key belongs in ApiKey.
        if (Endpoint.UserInfo.Length > 0)
        {
            throw new ArgumentException(
                $"Gemma4RemoteOptions.Endpoint must not carry credentials (user:password@); set Remote:ApiKey instead. Got '{WithoutUserInfo(Endpoint)}'.",
                "Remote:Endpoint");
        }

        if (!Enum.IsDefined(Engine))
        {
            throw new ArgumentOutOfRangeException("Remote:Engine", Engine, $"Gemma4RemoteOptions.Engine must be OpenAICompatible, Vllm, LlamaServer or Ollama; got {Engine}.");
        }

        if (Engine == Gemma4RemoteEngine.Ollama && string.IsNullOrWhiteSpace(Model))
        {
            throw new ArgumentException("Gemma4RemoteOptions.Model is required for Ollama: the model tag to run, such as gemma4:e4b.", "Remote:Model");
        }

        if (Model is not null && string.IsNullOrWhiteSpace(Model))
        {
            throw new ArgumentException(
                $"Gemma4RemoteOptions.Model must be the served model's name, or null to take the first model /v1/models lists; got '{Model}'.",
                "Remote:Model");
        }

        if (Timeout < TimeSpan.FromMilliseconds(10) || Timeout > MaxTimeout)
        {
            throw new ArgumentOutOfRangeException("Remote:Timeout", Timeout, $"Gemma4RemoteOptions.Timeout must be between 10 ms and {MaxTimeout}; got {Timeout}.");
        }

        if (MaxRetries is < 0 or > MaxRetriesLimit)
        {
            throw new ArgumentOutOfRangeException("Remote:MaxRetries", MaxRetries, $"Gemma4RemoteOptions.MaxRetries must be between 0 and {MaxRetriesLimit}; got {MaxRetries}.");
        }
    }

    private static string WithoutUserInfo(Uri? uri) => uri switch
    {
        null => "null",
        { IsAbsoluteUri: true, UserInfo.Length: > 0 } => uri.OriginalString.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal),
        _ => uri.OriginalString,
    };
}
