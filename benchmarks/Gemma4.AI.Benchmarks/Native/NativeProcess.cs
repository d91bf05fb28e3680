using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Gemma4.AI.Benchmarks.Native;

/// <summary>
/// A native baseline (one of the C programs in native/) running as a child process in <c>--serve</c> mode: it loads
/// its model once, says READY, then answers one line per command, so the benchmark can alternate it with the .NET
/// side rep by rep. llama.cpp's log (its stderr) is kept for the settings comparison.
/// </summary>
internal sealed class NativeProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly TaskCompletionSource _logReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _echoLog;
    private bool _disposed;

    private NativeProcess(Process process, bool echoLog)
    {
        _process = process;
        _echoLog = echoLog;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                if (line == "READY")
                {
                    _logReady.TrySetResult();
                    return;
                }

                _log.Enqueue(line);
                if (_echoLog)
                {
                    Console.Error.WriteLine($"[native] {line}");
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    public int ProcessId => _process.Id;

    /// <summary>The key=value fields of the READY line (settings and struct layouts the native side compiled with).</summary>
    public IReadOnlyDictionary<string, string> Ready { get; private set; } = new Dictionary<string, string>();

    /// <summary>DEVICE and SYSINFO lines printed before READY.</summary>
    public IReadOnlyList<string> Banner { get; private set; } = [];

    /// <summary>llama.cpp's log lines (stderr) so far.</summary>
    public IReadOnlyCollection<string> LogLines => _log;

    /// <summary>Starts <paramref name="binary"/> with <paramref name="arguments"/> and waits for its READY line.</summary>
    public static async Task<NativeProcess> StartAsync(string binary, IEnumerable<string> arguments, bool verbose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        foreach (var arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
        var child = new NativeProcess(process, verbose);
        try
        {
            var banner = new List<string>();
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(cancellationToken)
                    ?? throw new InvalidOperationException($"The native loop exited before it was ready (exit {await ExitCodeAsync(process)}):\n{string.Join('\n', child._log.TakeLast(20))}");
                if (line.StartsWith("READY ", StringComparison.Ordinal))
                {
                    child.Ready = ParseFields(line["READY ".Length..]);
                    child.Banner = banner;
                    // stderr is a separate pipe: wait until its reader has every set-up log line too.
                    await child._logReady.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                    return child;
                }

                banner.Add(line);
            }
        }
        catch
        {
            child.Dispose();
            throw;
        }
    }

    /// <summary>Sends one command and returns the fields of its answer, which must start with <paramref name="expected"/>.</summary>
    /// <exception cref="InvalidOperationException">The process exited or answered something else (an ERR line).</exception>
    public async Task<Dictionary<string, string>> CommandAsync(string command, string expected)
    {
        ArgumentNullException.ThrowIfNull(command);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        var reply = await _process.StandardOutput.ReadLineAsync()
            ?? throw new InvalidOperationException($"The native loop exited (exit {await ExitCodeAsync(_process)}):\n{string.Join('\n', _log.TakeLast(20))}");
        if (!reply.StartsWith(expected + " ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The native loop answered '{reply[..Math.Min(reply.Length, 200)]}' to '{command[..Math.Min(command.Length, 40)]}'.");
        }

        return ParseFields(reply[(expected.Length + 1)..]);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(10_000))
                {
                    _process.Kill();
                }
            }
        }
        catch (IOException)
        {
            // The pipe closed: the process is gone already.
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    public static int Int(IReadOnlyDictionary<string, string> fields, string key)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return int.Parse(fields[key], CultureInfo.InvariantCulture);
    }

    public static long Long(IReadOnlyDictionary<string, string> fields, string key)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return long.Parse(fields[key], CultureInfo.InvariantCulture);
    }

    private static async Task<int> ExitCodeAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
    }

    private static Dictionary<string, string> ParseFields(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                fields[part[..eq]] = part[(eq + 1)..];
            }
        }

        return fields;
    }
}
