using System.Diagnostics;
using System.Globalization;

namespace Gemma4.AI.Benchmarks.Embeddings;

/// <summary>Measures how many cores other processes kept busy during a rep (Linux /proc; 0 elsewhere).</summary>
internal sealed class CpuMonitor
{
    private readonly long _busyTicks;
    private readonly TimeSpan _ownCpu;
    private readonly Stopwatch _wall = Stopwatch.StartNew();

    private CpuMonitor(long busyTicks, TimeSpan ownCpu)
    {
        _busyTicks = busyTicks;
        _ownCpu = ownCpu;
    }

    public static CpuMonitor Start() => new(BusyTicks(), Process.GetCurrentProcess().TotalProcessorTime);

    /// <summary>Average cores used by everything except this process since <see cref="Start"/>.</summary>
    public double OtherProcessesCores()
    {
        var busy = (BusyTicks() - _busyTicks) / 100.0; // USER_HZ
        var own = (Process.GetCurrentProcess().TotalProcessorTime - _ownCpu).TotalSeconds;
        return busy <= 0 ? 0 : Math.Max(0, busy - own) / _wall.Elapsed.TotalSeconds;
    }

    private static long BusyTicks()
    {
        if (!File.Exists("/proc/stat"))
        {
            return 0;
        }

        // cpu user nice system idle iowait irq softirq steal ...
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long busy = 0;
        for (var i = 1; i < Math.Min(fields.Length, 9); i++)
        {
            if (i is not 4 and not 5)
            {
                busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
            }
        }

        return busy;
    }
}
