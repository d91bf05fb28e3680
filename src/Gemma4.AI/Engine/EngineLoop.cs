using Gemma4.AI.Native;

namespace Gemma4.AI.Engine;

/// <summary>
/// The thread that owns one llama.cpp context: it sleeps until work arrives, runs steps until there is none, and hands
/// every failure to the callers waiting on it. Only this thread calls llama_decode on the context.
/// </summary>
internal abstract class EngineLoop : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _thread;
    private volatile bool _disposing;
    private int _disposed;

    protected EngineLoop(string threadName) =>
        _thread = new Thread(Run) { IsBackground = true, Name = threadName };

    /// <summary>The flag llama.cpp's abort callback polls, to stop a long decode for cancellation or disposal.</summary>
    protected AbortSignal Abort { get; } = new();

    /// <summary>The abort flag's native address, for native code that polls it itself (mtmd's encoder).</summary>
    public IntPtr AbortData => Abort.Data;

    /// <summary>Set once <see cref="Dispose"/> has begun; the loop exits at the next step.</summary>
    protected bool IsDisposing => _disposing;

    /// <summary>Whether <see cref="Dispose"/> has been called (tests and diagnostics).</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Starts the loop; derived constructors call it last, once their own state is ready.</summary>
    protected void StartLoop() => _thread.Start();

    /// <summary>Wakes the loop to look at new work, cancellations or other changes.</summary>
    protected void Wake()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return; // the loop is ending and looks at nothing more
        }

        try
        {
            _wake.Release();
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check and the release: nothing left to wake.
        }
    }

    /// <summary>Takes new work and drops finished or cancelled work; true when there is something to decode.</summary>
    protected abstract bool Prepare();

    /// <summary>Builds one batch, decodes it and delivers the results.</summary>
    protected abstract void Step();

    /// <summary>The loop has ended, after <paramref name="error"/> or (an ObjectDisposedException) a disposal: fail what is pending.</summary>
    protected abstract void OnStopped(Exception error, bool failed);

    /// <summary>Frees the derived state once the loop thread has ended.</summary>
    protected abstract void DisposeResources();

    /// <summary>The exception pending requests get when the engine is disposed under them.</summary>
    protected abstract ObjectDisposedException DisposedError();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _disposing = true;
        Abort.Set();
        _wake.Release();
        _thread.Join();
        DisposeResources();
        Abort.Dispose();
        _wake.Dispose();
    }

    private void Run()
    {
        try
        {
            while (!_disposing)
            {
                if (!Prepare())
                {
                    // Idle: another engine in the process may decode now (see OpenMpTeam).
                    OpenMpTeam.Release();
                    _wake.Wait();
                    continue;
                }

                Step();
            }
        }
#pragma warning disable CA1031 // The loop thread must hand every failure to its callers rather than die silently.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            OnStopped(ex, failed: true);
            return;
        }

        OnStopped(DisposedError(), failed: false);
    }
}
