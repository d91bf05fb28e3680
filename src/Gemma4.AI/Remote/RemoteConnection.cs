using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gemma4.AI.Remote;

/// <summary>One remote engine as the clients see it: its dialect, its transport, and the model to ask for.</summary>
internal sealed class RemoteConnection : IDisposable
{
    private readonly HttpClient? _ownedHttpClient;
    private readonly SemaphoreSlim _probeLock = new(1, 1);
    private string? _model;
    private int _leakReported;

    public RemoteConnection(Gemma4RemoteOptions options, HttpClient? httpClient, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Clone();
        Options.Validate();
        Dialect = RemoteDialect.For(Options.Engine);
        var http = httpClient ?? (_ownedHttpClient = RemoteHttp.CreateClient(Options));
        Transport = Options.Engine == Gemma4RemoteEngine.Ollama
            ? new OllamaTransport(Options, Dialect, http)
            : new OpenAITransport(Options, Dialect, http);
        Logger = logger ?? NullLogger.Instance;
        _model = Options.Model;
    }

    public Gemma4RemoteOptions Options { get; }

    public RemoteDialect Dialect { get; }

    public RemoteTransport Transport { get; }

    public ILogger Logger { get; }

    /// <summary>The configured model, or the one a probe found; null until then.</summary>
    public string? Model => Volatile.Read(ref _model);

    /// <summary>The model to ask for: the configured one, or the first the engine lists (asked once).</summary>
    public async ValueTask<string> GetModelAsync(CancellationToken cancellationToken) =>
        Model ?? (await ProbeAsync(cancellationToken).ConfigureAwait(false)).Model;

    /// <summary>Asks the engine what it serves; throws <see cref="Gemma4RemoteException"/> when it cannot be reached or lacks the model.</summary>
    public async Task<RemoteServerInfo> ProbeAsync(CancellationToken cancellationToken)
    {
        await _probeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var info = await Dialect.ProbeAsync(Transport, Options.Model, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _model, info.Model);
            return info;
        }
        finally
        {
            _probeLock.Release();
        }
    }

    /// <summary>Logs, once per connection, that the engine leaked Gemma 4 markup into an answer.</summary>
    public void ReportLeakedMarkup()
    {
        if (Interlocked.Exchange(ref _leakReported, 1) == 0)
        {
            RemoteLog.LeakedMarkup(Logger, Dialect.DisplayName, Transport.BaseAddress, RemoteLog.MarkupHint(Options.Engine));
        }
    }

    public void Dispose()
    {
        _ownedHttpClient?.Dispose();
        _probeLock.Dispose();
    }
}
