using Microsoft.Extensions.Logging;

namespace Gemma4.AI.Native;

/// <summary>
/// Collects the llama.cpp log lines that the current thread produces while a native call runs, so a bare failure code
/// ("returned null", "returned 1") can be reported with llama.cpp's own reason. llama.cpp logs synchronously on the
/// calling thread, so lines from other threads (other models decoding) are ignored.
/// </summary>
internal sealed class NativeErrorCapture : IDisposable
{
    private readonly int _threadId = Environment.CurrentManagedThreadId;
    private readonly bool _anyThread;
    private readonly List<string> _errors = [];
    private readonly Action<string>? _onLine;
    private readonly IDisposable _subscription;

    private NativeErrorCapture(Action<string>? onLine, bool anyThread)
    {
        _onLine = onLine;
        _anyThread = anyThread;
        _subscription = NativeLogging.AddListener(OnLine);
    }

    /// <summary>Starts capturing on the calling thread; <paramref name="onLine"/> sees every line of this thread (any level).</summary>
    public static NativeErrorCapture Start(Action<string>? onLine = null) => new(onLine, anyThread: false);

    /// <summary>
    /// Starts capturing error lines from every thread, for a native call that LLamaSharp runs on a thread of its own
    /// (loading weights); another model failing at the same moment could add its lines too.
    /// </summary>
    public static NativeErrorCapture StartAnyThread() => new(null, anyThread: true);

    /// <summary>Error lines seen so far, in order.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>The captured errors as one sentence fragment, or <paramref name="fallback"/> when there were none.</summary>
    public string Describe(string fallback)
    {
        var errors = Errors.Where(e => e.Length > 0).ToList();
        return errors.Count == 0 ? fallback : string.Join(" ", errors.Select(e => e.Trim()));
    }

    public void Dispose() => _subscription.Dispose();

    private void OnLine(LogLevel level, string line)
    {
        if (!_anyThread && Environment.CurrentManagedThreadId != _threadId)
        {
            return;
        }

        _onLine?.Invoke(line);
        if (level >= LogLevel.Error)
        {
            lock (_errors)
            {
                _errors.Add(line);
            }
        }
    }
}
