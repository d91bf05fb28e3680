using System.Diagnostics.CodeAnalysis;
using Gemma4.AI.Gguf;
using Gemma4.AI.Lora;
using Gemma4.AI.Native;
using Microsoft.Extensions.Logging;

namespace Gemma4.AI;

/// <summary>LoRA adapters loaded next to the model.</summary>
public sealed partial class Gemma4Model
{
    private readonly SemaphoreSlim _adapterLoads = new(1, 1);
    private readonly Lock _adapterGate = new();
    // llama_adapter_lora_init and _free both edit the model's native adapter list: never run two at once.
    private readonly Lock _adapterNativeGate = new();
    private readonly Dictionary<string, Gemma4LoraAdapter> _adaptersByName = new(StringComparer.Ordinal);
    private readonly List<Gemma4LoraAdapter> _unfreedAdapters = [];

    /// <summary>The LoRA adapters loaded for this model and not unloaded, in load order.</summary>
    public IReadOnlyList<Gemma4LoraAdapter> Adapters
    {
        get
        {
            lock (_adapterGate)
            {
                return [.. _adaptersByName.Values.OrderBy(a => a.Id)];
            }
        }
    }

    /// <summary>
    /// Loads a LoRA adapter GGUF (as written by llama.cpp's <c>convert_lora_to_gguf.py</c>) next to this model. The file is
    /// checked in managed code first: it must be a LoRA adapter (<c>general.type = adapter</c>, <c>adapter.type = lora</c>)
    /// for this architecture whose every tensor pair matches a tensor of this model in name and shape.
    /// </summary>
    /// <param name="path">The adapter file.</param>
    /// <param name="name">The name requests select it by; default the file name without extension. Unique per model.</param>
    /// <param name="cancellationToken">Cancels the load; once llama.cpp is reading the tensors it finishes, then the adapter is unloaded.</param>
    /// <returns>The adapter; the same instance when an adapter of this name was already loaded from the same file.</returns>
    /// <exception cref="Gemma4ModelLoadException">The file is missing, not a LoRA adapter, made for another base model, or llama.cpp refused it.</exception>
    /// <exception cref="ArgumentException">Another file is already loaded under <paramref name="name"/>.</exception>
    /// <exception cref="NotSupportedException">This is an embedding model.</exception>
    public async Task<Gemma4LoraAdapter> LoadAdapterAsync(string path, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (IsEmbeddingModel)
        {
            throw new NotSupportedException($"{ModelId} is an embedding model ({Info.Architecture}); LoRA adapters apply to Gemma 4 chat models.");
        }

        var fullPath = Path.GetFullPath(path);
        name ??= Path.GetFileNameWithoutExtension(fullPath);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"LoRA adapter name must not be empty (path '{path}').", nameof(name));
        }

        await _adapterLoads.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (FindLoaded(name, fullPath) is { } existing)
            {
                return existing;
            }

            var adapter = await Task.Run(() => LoadAdapterCore(fullPath, name, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                adapter.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
            }

            return adapter;
        }
        finally
        {
            _adapterLoads.Release();
        }
    }

    /// <summary>Loads a LoRA adapter synchronously; see <see cref="LoadAdapterAsync"/>.</summary>
    public Gemma4LoraAdapter LoadAdapter(string path, string? name = null) => LoadAdapterAsync(path, name).GetAwaiter().GetResult();

    /// <summary>Finds a loaded adapter by name.</summary>
    public bool TryGetAdapter(string name, [NotNullWhen(true)] out Gemma4LoraAdapter? adapter)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_adapterGate)
        {
            return _adaptersByName.TryGetValue(name, out adapter);
        }
    }

    /// <summary>Forgets an unloaded adapter's name, so it can be loaded again.</summary>
    internal void OnAdapterDisposed(Gemma4LoraAdapter adapter)
    {
        lock (_adapterGate)
        {
            if (_adaptersByName.TryGetValue(adapter.Name, out var current) && ReferenceEquals(current, adapter))
            {
                _adaptersByName.Remove(adapter.Name);
            }
        }
    }

    /// <summary>An unloaded adapter no request uses any more: free it on the decode thread, between two decodes.</summary>
    internal void RetireAdapter(Gemma4LoraAdapter adapter)
    {
        if (_disposed == 0 && _engine is { } engine)
        {
            engine.RetireAdapter(adapter);
        }

        // When the model is being disposed, Dispose frees what is left.
    }

    /// <summary>Frees an adapter's native memory; the caller guarantees no context uses it.</summary>
    internal void FreeAdapterNative(Gemma4LoraAdapter adapter)
    {
        var handle = adapter.TakeHandle();
        if (handle != IntPtr.Zero)
        {
            lock (_adapterNativeGate)
            {
                LlamaNative.AdapterLoraFree(handle);
            }

            Log.AdapterUnloaded(LoggerFactory.CreateLogger<Gemma4Model>(), adapter.Name, ModelId);
        }

        lock (_adapterGate)
        {
            _unfreedAdapters.Remove(adapter);
        }
    }

    /// <summary>At dispose, after the context is gone: frees every adapter still loaded (before the weights they belong to).</summary>
    private void FreeAllAdapters()
    {
        Gemma4LoraAdapter[] left;
        lock (_adapterGate)
        {
            left = [.. _unfreedAdapters];
            _adaptersByName.Clear();
        }

        foreach (var adapter in left)
        {
            adapter.MarkDisposed();
            FreeAdapterNative(adapter);
        }

        _adapterLoads.Dispose();
    }

    private Gemma4LoraAdapter? FindLoaded(string name, string fullPath)
    {
        lock (_adapterGate)
        {
            if (!_adaptersByName.TryGetValue(name, out var existing))
            {
                return null;
            }

            if (string.Equals(existing.FilePath, fullPath, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            {
                return existing;
            }

            throw new ArgumentException($"A LoRA adapter named '{name}' is already loaded for {ModelId} from '{existing.FilePath}'; choose another name for '{fullPath}'.", nameof(name));
        }
    }

    private Gemma4LoraAdapter LoadAdapterCore(string fullPath, string name, CancellationToken cancellationToken)
    {
        GgufFile baseHeader;
        try
        {
            baseHeader = GgufReader.Read(ModelPath);
        }
        catch (Exception e) when (e is GgufFormatException or IOException or UnauthorizedAccessException)
        {
            throw new Gemma4ModelLoadException(ModelPath, "cannot re-read the base model's header to check a LoRA adapter against it: " + e.Message, e);
        }

        var info = LoraAdapterPreflight.Validate(fullPath, Info.Architecture, baseHeader);
        cancellationToken.ThrowIfCancellationRequested();

        IntPtr handle;
        string failure;
        using (var capture = NativeErrorCapture.Start())
        {
            lock (_adapterNativeGate)
            {
                ObjectDisposedException.ThrowIf(_disposed != 0, this);
                handle = LlamaNative.AdapterLoraInit(_weights.NativeHandle, fullPath);
            }

            failure = capture.Describe("no reason given");
        }

        if (handle == IntPtr.Zero)
        {
            throw new Gemma4ModelLoadException(fullPath, $"llama.cpp could not load the LoRA adapter: {failure}");
        }

        var adapter = new Gemma4LoraAdapter(this, name, fullPath, handle, info);
        lock (_adapterGate)
        {
            _adaptersByName[name] = adapter;
            _unfreedAdapters.Add(adapter);
        }

        Log.AdapterLoaded(LoggerFactory.CreateLogger<Gemma4Model>(), name, ModelId, info.Rank, info.TargetTensors.Count, info.TensorBytes);
        return adapter;
    }

    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Information, "Loaded LoRA adapter '{Adapter}' for {ModelId}: rank {Rank}, {Tensors} tensors, {Bytes} bytes.")]
        public static partial void AdapterLoaded(ILogger logger, string adapter, string modelId, int rank, int tensors, long bytes);

        [LoggerMessage(3, LogLevel.Information, "Unloaded LoRA adapter '{Adapter}' of {ModelId}.")]
        public static partial void AdapterUnloaded(ILogger logger, string adapter, string modelId);
    }
}
