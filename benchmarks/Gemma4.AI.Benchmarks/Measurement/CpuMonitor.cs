using System.Diagnostics;
using System.Globalization;

namespace Gemma4.AI.Benchmarks.Measurement;

/// <summary>A reading of the machine's and our processes' CPU counters (Linux /proc, in clock ticks).</summary>
/// <param name="Timestamp">Stopwatch timestamp of the reading.</param>
/// <param name="MachineBusy">Busy ticks of all CPUs: user, nice, system, irq, softirq and steal (time the hypervisor gave to others).</param>
/// <param name="Steal">Steal ticks alone.</param>
/// <param name="Ours">Ticks used by this process and the native loop processes.</param>
internal readonly record struct CpuSample(long Timestamp, long MachineBusy, long Steal, long Ours);

/// <summary>CPU that other processes took during an interval.</summary>
/// <param name="Seconds">Wall time of the interval.</param>
/// <param name="OtherShare">CPU time of other processes (and steal) as a share of the whole machine (0..1).</param>
/// <param name="StealShare">Steal alone, as a share of the machine.</param>
internal readonly record struct CpuUsage(double Seconds, double OtherShare, double StealShare)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"other {OtherShare:P1} (steal {StealShare:P1})");
}

/// <summary>
/// Measures how much CPU processes other than ours took during a rep, from /proc/stat and /proc/&lt;pid&gt;/stat.
/// On a shared 2-core machine a colleague's build during a rep slows it by 10-50%; such reps are dropped.
/// </summary>
internal sealed class CpuMonitor
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux
    private const long SamplingSlackTicks = 2;

    private readonly int _cores = Environment.ProcessorCount;

    private volatile int[] _children = [];

    /// <summary>The native loop processes, whose CPU counts as ours.</summary>
    public IReadOnlyList<int> ChildProcessIds => _children;

    /// <summary>Counts a native loop's CPU as ours until the result is disposed.</summary>
    public IDisposable CountAsOurs(int processId)
    {
        _children = [.. _children, processId];
        return new Removal(this, processId);
    }

    public static bool IsSupported => File.Exists("/proc/stat");

    public CpuSample Take()
    {
        var timestamp = Stopwatch.GetTimestamp();
        if (!IsSupported)
        {
            return new CpuSample(timestamp, 0, 0, 0);
        }

        var (busy, steal) = ReadMachine();
        var ours = ReadProcess("/proc/self/stat");
        foreach (var pid in _children)
        {
            ours += ReadProcess($"/proc/{pid}/stat");
        }

        return new CpuSample(timestamp, busy, steal, ours);
    }

    public CpuUsage Between(CpuSample start, CpuSample end)
    {
        var seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        var capacity = Math.Max(seconds * TicksPerSecond * _cores, 1e-9);
        // Counters tick 100 times a second per CPU: forgive a couple of ticks of sampling error on short reps.
        var other = Math.Max(0, (end.MachineBusy - start.MachineBusy) - (end.Ours - start.Ours) - SamplingSlackTicks);
        return new CpuUsage(seconds, Math.Min(1, other / capacity), Math.Min(1, (end.Steal - start.Steal) / capacity));
    }

    private static (long Busy, long Steal) ReadMachine()
    {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"
        using var reader = new StreamReader("/proc/stat");
        var fields = reader.ReadLine()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long F(int i) => fields.Length > i ? long.Parse(fields[i], CultureInfo.InvariantCulture) : 0;
        var steal = F(8);
        return (F(1) + F(2) + F(3) + F(6) + F(7) + steal, steal);
    }

    private static long ReadProcess(string path)
    {
        try
        {
            // The command name (field 2) may contain spaces; fields after the closing parenthesis are fixed.
            var text = File.ReadAllText(path);
            var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
            return long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0; // the process ended
        }
    }

    private sealed class Removal(CpuMonitor monitor, int processId) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (!_done)
            {
                _done = true;
                monitor._children = [.. monitor._children.Where(p => p != processId)];
            }
        }
    }
}
