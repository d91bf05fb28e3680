using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Gemma4.AI.Benchmarks.Native;

/// <summary>Settings of the native loop; the benchmark passes the same values it gives the .NET side.</summary>
internal sealed record NativeLoopSettings(
    string ModelPath,
    int Threads,
    int ContextSize,
    int BatchSize,
    int MicroBatchSize,
    int Sequences,
    Gemma4FlashAttention FlashAttention,
    bool SwaFull,
    int GpuLayers,
    string? BackendModule,
    bool Argmax);

/// <summary>A prefill measured by the native loop.</summary>
internal readonly record struct NativePrefill(int Tokens, long Microseconds, int Next);

/// <summary>A generation measured by the native loop.</summary>
internal readonly record struct NativeGeneration(long Microseconds, int[] Tokens);

/// <summary>
/// The native baseline running as a child process in <c>--serve</c> mode: it loads the model once and then times
/// prefills and generations on command, so the benchmark can alternate it with the .NET side rep by rep.
/// </summary>
internal sealed class NativeLoop : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly TaskCompletionSource _logReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _echoLog;
    private bool _disposed;

    private NativeLoop(Process process, bool echoLog)
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

    public static async Task<NativeLoop> StartAsync(string binary, NativeLoopSettings s, bool verbose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(s);
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var arg in Arguments(s))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
        var loop = new NativeLoop(process, verbose);
        try
        {
            var banner = new List<string>();
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(cancellationToken)
                    ?? throw new InvalidOperationException($"The native loop exited before it was ready (exit {await ExitCodeAsync(process)}):\n{string.Join('\n', loop._log.TakeLast(20))}");
                if (line.StartsWith("READY ", StringComparison.Ordinal))
                {
                    loop.Ready = ParseFields(line["READY ".Length..]);
                    loop.Banner = banner;
                    // stderr is a separate pipe: wait until its reader has every set-up log line too.
                    await loop._logReady.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                    return loop;
                }

                banner.Add(line);
            }
        }
        catch
        {
            loop.Dispose();
            throw;
        }
    }

    /// <summary>The command line, as it would be typed to run the same loop standalone.</summary>
    public static IEnumerable<string> Arguments(NativeLoopSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        yield return "-m";
        yield return s.ModelPath;
        yield return "-t";
        yield return I(s.Threads);
        yield return "-tb";
        yield return I(s.Threads);
        yield return "-c";
        yield return I(s.ContextSize);
        yield return "-b";
        yield return I(s.BatchSize);
        yield return "-ub";
        yield return I(s.MicroBatchSize);
        yield return "-s";
        yield return I(s.Sequences);
        yield return "-fa";
        yield return s.FlashAttention switch
        {
            Gemma4FlashAttention.Enabled => "on",
            Gemma4FlashAttention.Disabled => "off",
            _ => "auto",
        };
        yield return "--swa-full";
        yield return s.SwaFull ? "1" : "0";
        yield return "-ngl";
        yield return I(s.GpuLayers);
        if (s.BackendModule is { } module)
        {
            yield return "--backend-module";
            yield return module;
        }

        yield return "--sample";
        yield return s.Argmax ? "argmax" : "none";
        yield return "--log-all";
        yield return "--serve";
    }

    public async Task<int> SetTokensAsync(IReadOnlyList<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var line = new StringBuilder("tokens", tokens.Count * 7 + 8);
        foreach (var t in tokens)
        {
            line.Append(' ').Append(t.ToString(CultureInfo.InvariantCulture));
        }

        var reply = ParseFields(await CommandAsync(line.ToString(), "OK"));
        return int.Parse(reply["n"], CultureInfo.InvariantCulture);
    }

    /// <summary>Clears the cache, decodes tokens [0, k) untimed and [k, n) timed.</summary>
    public async Task<NativePrefill> PrefillAsync(int cached)
    {
        var reply = ParseFields(await CommandAsync(string.Create(CultureInfo.InvariantCulture, $"prefill {cached}"), "PP"));
        return new NativePrefill(Int(reply, "n"), long.Parse(reply["us"], CultureInfo.InvariantCulture), Int(reply, "next"));
    }

    /// <summary>Decodes <paramref name="count"/> single tokens after the prefill, sampling after each.</summary>
    public async Task<NativeGeneration> GenerateAsync(int count)
    {
        var reply = ParseFields(await CommandAsync(string.Create(CultureInfo.InvariantCulture, $"gen {count}"), "TG"));
        var tokens = reply["tokens"].Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        return new NativeGeneration(long.Parse(reply["us"], CultureInfo.InvariantCulture), tokens);
    }

    /// <summary>Batched generation: the prompt shared by <paramref name="streams"/> sequences, then <paramref name="steps"/> steps of one token each; returns microseconds.</summary>
    public async Task<long> ParallelAsync(int streams, int steps)
    {
        var reply = ParseFields(await CommandAsync(string.Create(CultureInfo.InvariantCulture, $"par {streams} {steps}"), "PAR"));
        return long.Parse(reply["us"], CultureInfo.InvariantCulture);
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

    private async Task<string> CommandAsync(string command, string expected)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        var reply = await _process.StandardOutput.ReadLineAsync()
            ?? throw new InvalidOperationException($"The native loop exited (exit {await ExitCodeAsync(_process)}):\n{string.Join('\n', _log.TakeLast(20))}");
        if (!reply.StartsWith(expected + " ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The native loop answered '{reply}' to '{command[..Math.Min(command.Length, 40)]}'.");
        }

        return reply[(expected.Length + 1)..];
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

    private static int Int(Dictionary<string, string> fields, string key) => int.Parse(fields[key], CultureInfo.InvariantCulture);

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
