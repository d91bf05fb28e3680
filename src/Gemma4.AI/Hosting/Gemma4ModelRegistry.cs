using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gemma4.AI.Hosting;

/// <summary>
/// The container's loaded models, one per <see cref="Gemma4ModelKey"/>: registrations with the same file and settings
/// (chat and embeddings bound to one configuration section, say) share one <see cref="Gemma4Model"/>. Disposed with the
/// container, which disposes every model it loaded.
/// </summary>
/// <remarks>
/// A load runs once per key; concurrent callers await the same task. A failed load is kept (and rethrown to every later
/// caller, and reported by the health check) rather than retried, so a bad file does not cost a reload per request.
/// Models are not hot-reloadable: a registration's <see cref="Gemma4ModelOptions"/> are read once, at its first use
/// (the load, or the health check's first look), and kept; a later configuration reload changes nothing until restart.
/// </remarks>
internal sealed partial class Gemma4ModelRegistry : IDisposable, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Gemma4Model>>> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Gemma4ModelRegistration, Pinned> _pinned = new(ReferenceEqualityComparer.Instance);
    private readonly IOptionsMonitor<Gemma4ModelOptions> _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    // Cancelled on dispose, never disposed itself: a load that is still running may hold its token.
    private readonly CancellationTokenSource _disposing = new();
    private int _disposed;

    public Gemma4ModelRegistry(IOptionsMonitor<Gemma4ModelOptions> options, ILoggerFactory? loggerFactory = null)
    {
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<Gemma4ModelRegistry>();
    }

    /// <summary>The registration's model, loading it on first use; throws what the options validation or the load threw.</summary>
    public async Task<Gemma4Model> GetModelAsync(Gemma4ModelRegistration registration, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var pinned = Pin(registration);
        if (pinned.Options.IsRemote)
        {
            throw new InvalidOperationException($"Gemma4 {registration.DisplayName} is served remotely ({pinned.Options.Remote!.Endpoint}); it has no model in this process.");
        }

        var load = _models.GetOrAdd(pinned.Key, _ => new Lazy<Task<Gemma4Model>>(() => LoadAsync(pinned.Options)));
        var model = await load.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        EnsureKindFits(registration, model);
        return model;
    }

    /// <summary>Synchronous <see cref="GetModelAsync"/>, for DI factories (which cannot await).</summary>
    public Gemma4Model GetModel(Gemma4ModelRegistration registration) => GetModelAsync(registration).GetAwaiter().GetResult();

    /// <summary>The registration's remote engine (as first read), or null when it runs in-process; throws what the options validation threw.</summary>
    public Gemma4RemoteOptions? GetRemote(Gemma4ModelRegistration registration) => Pin(registration).Options.Remote is { IsConfigured: true } remote ? remote : null;

    /// <summary>The registration's in-process settings as first read (for logging what a remote registration ignores).</summary>
    public Gemma4ModelOptions GetOptions(Gemma4ModelRegistration registration) => Pin(registration).Options;

    /// <summary>The registration's state without loading anything; <paramref name="model"/> or <paramref name="error"/> is set when known.</summary>
    public Gemma4ModelState GetState(Gemma4ModelRegistration registration, out Gemma4Model? model, out Exception? error)
    {
        model = null;
        error = null;
        string key;
        try
        {
            key = Pin(registration).Key;
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or ArgumentException)
        {
            error = ex;
            return Gemma4ModelState.Failed;
        }

        if (!_models.TryGetValue(key, out var load) || !load.IsValueCreated)
        {
            return Gemma4ModelState.NotLoaded;
        }

        var task = load.Value;
        if (!task.IsCompleted)
        {
            return Gemma4ModelState.Loading;
        }

        if (!task.IsCompletedSuccessfully)
        {
            error = task.Exception?.InnerException ?? new OperationCanceledException("The model load was cancelled.");
            return Gemma4ModelState.Failed;
        }

        model = task.Result;
        try
        {
            EnsureKindFits(registration, model);
        }
        catch (InvalidOperationException ex)
        {
            error = ex;
            return Gemma4ModelState.Failed;
        }

        return Gemma4ModelState.Loaded;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _disposing.Cancel();
        foreach (var load in _models.Values)
        {
            if (!load.IsValueCreated)
            {
                continue;
            }

            // A load still running is cancelled; whatever it returns anyway is disposed when it completes.
            _ = load.Value.ContinueWith(
                static t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        t.Result.Dispose();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        _models.Clear();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The registration's options and model key, fixed at first use.</summary>
    /// <remarks>
    /// Re-reading the options monitor on every call would follow a configuration reload to a key nothing loaded: the
    /// health check would report "not loaded yet" while serving, and the next client resolved would load a second copy.
    /// A failed validation pins nothing, so it is reported again (and a corrected configuration is picked up).
    /// </remarks>
    private Pinned Pin(Gemma4ModelRegistration registration)
    {
        if (_pinned.TryGetValue(registration, out var pinned))
        {
            return pinned;
        }

        var options = _options.Get(registration.OptionsName).Clone(); // validates; throws OptionsValidationException
        var key = options.IsRemote ? "remote:" + registration.OptionsName : Gemma4ModelKey.From(options);
        return _pinned.GetOrAdd(registration, new Pinned(options, key));
    }

    private static void EnsureKindFits(Gemma4ModelRegistration registration, Gemma4Model model)
    {
        if (registration.Kind == Gemma4ModelKind.Chat && model.IsEmbeddingModel)
        {
            throw new InvalidOperationException(
                $"Gemma4 {registration.DisplayName}: ModelPath '{model.ModelPath}' is an embedding model ({model.Architecture}); " +
                "it has no generation context and cannot serve chat. Point ModelPath at a gemma4 GGUF file.");
        }
    }

    private async Task<Gemma4Model> LoadAsync(Gemma4ModelOptions options)
    {
        Log.Loading(_logger, options.ModelPath);
        try
        {
            // Off the caller's thread: DI factories block on this, and the load itself is synchronous native work.
            return await Task.Run(() => Gemma4Model.LoadAsync(options, _loggerFactory, progress: null, _disposing.Token), _disposing.Token)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.LoadFailed(_logger, ex, options.ModelPath);
            throw;
        }
    }

    /// <summary>A registration's options as first read, and the key of the model they load.</summary>
    private sealed record Pinned(Gemma4ModelOptions Options, string Key);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Loading Gemma 4 model {ModelPath}.")]
        public static partial void Loading(ILogger logger, string modelPath);

        [LoggerMessage(2, LogLevel.Error, "Loading Gemma 4 model {ModelPath} failed.")]
        public static partial void LoadFailed(ILogger logger, Exception exception, string modelPath);
    }
}
