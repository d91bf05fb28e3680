namespace Gemma4.AI;

/// <summary>
/// A LoRA adapter loaded next to a base <see cref="Gemma4Model"/> (<see cref="Gemma4Model.LoadAdapterAsync"/>). The base
/// weights are untouched: requests choose adapters and scales for themselves (<see cref="Gemma4GenerationOptions.Adapters"/>,
/// <c>ChatOptions.AdditionalProperties["gemma4.lora"]</c>), and requests with different adapters run side by side.
/// </summary>
/// <remarks>
/// Owned by its model: disposing the model frees it. <see cref="Dispose"/> unloads it earlier: new requests can no longer
/// use it, and its memory is freed once the requests already using it have ended. Thread-safe.
/// </remarks>
public sealed class Gemma4LoraAdapter : IDisposable
{
    private static long s_lastId;
    private readonly Lora.LoraAdapterInfo _info;
    private IntPtr _handle;
    private int _uses;
    private int _disposed;
    private int _retired;

    internal Gemma4LoraAdapter(Gemma4Model model, string name, string filePath, IntPtr handle, Lora.LoraAdapterInfo info)
    {
        Model = model;
        Name = name;
        FilePath = filePath;
        _handle = handle;
        _info = info;
        Id = Interlocked.Increment(ref s_lastId);
    }

    /// <summary>The base model the adapter was loaded for.</summary>
    public Gemma4Model Model { get; }

    /// <summary>The name requests select it by (given at load, else the file name without extension); unique per model.</summary>
    public string Name { get; }

    /// <summary>Full path of the adapter GGUF file.</summary>
    public string FilePath { get; }

    /// <summary>
    /// <c>adapter.lora.alpha</c>. llama.cpp applies each pair as <c>W·x + scale·(alpha/rank)·B·(A·x)</c>; with alpha 0 (absent),
    /// as <c>scale·B·(A·x)</c>.
    /// </summary>
    public float Alpha => _info.Alpha;

    /// <summary>The adapter's rank (the largest, if its tensor pairs differ).</summary>
    public int Rank => _info.Rank;

    /// <summary>The base model tensors the adapter changes, e.g. <c>blk.0.attn_q.weight</c>.</summary>
    public IReadOnlyList<string> TargetTensors => _info.TargetTensors;

    /// <summary>Bytes of adapter weights (what loading it adds to memory, roughly).</summary>
    public long SizeBytes => _info.TensorBytes;

    /// <summary>Whether <see cref="Dispose"/> was called (or the model was disposed).</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Process-wide load order: the canonical order of adapters in a set.</summary>
    internal long Id { get; }

    /// <summary>The native llama_adapter_lora pointer; zero once freed.</summary>
    internal IntPtr Handle => Volatile.Read(ref _handle);

    /// <summary>Requests that currently use the adapter.</summary>
    internal int Uses => Volatile.Read(ref _uses);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({FilePath})";

    /// <summary>Unloads the adapter: new requests that name it fail; its memory is freed once running requests end.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Model.OnAdapterDisposed(this);
            RetireIfIdle();
        }
    }

    /// <summary>Counts a request that will decode with the adapter; false once it is disposed.</summary>
    internal bool TryAddUse()
    {
        Interlocked.Increment(ref _uses);
        if (IsDisposed)
        {
            ReleaseUse();
            return false;
        }

        return true;
    }

    /// <summary>Ends a use; the last one after <see cref="Dispose"/> hands the adapter to its model to free.</summary>
    internal void ReleaseUse()
    {
        Interlocked.Decrement(ref _uses);
        RetireIfIdle();
    }

    /// <summary>Takes the native pointer for freeing (once); zero if it is already gone.</summary>
    internal IntPtr TakeHandle() => Interlocked.Exchange(ref _handle, IntPtr.Zero);

    /// <summary>Marks the adapter disposed without retiring it (the model frees it itself).</summary>
    internal void MarkDisposed() => Volatile.Write(ref _disposed, 1);

    private void RetireIfIdle()
    {
        if (IsDisposed && Uses == 0 && Interlocked.Exchange(ref _retired, 1) == 0)
        {
            Model.RetireAdapter(this);
        }
    }
}
