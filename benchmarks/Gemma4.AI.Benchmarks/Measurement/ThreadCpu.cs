using System.Globalization;

namespace Gemma4.AI.Benchmarks.Measurement;

/// <summary>CPU time of each thread of this process (Linux /proc/self/task), to see which threads compete with the decode.</summary>
internal static class ThreadCpu
{
    private const double TicksPerMillisecond = 0.1; // USER_HZ 100

    /// <summary>Ticks (utime + stime) per thread id, with the thread's name.</summary>
    public static Dictionary<int, (string Name, long Ticks)> Take()
    {
        var result = new Dictionary<int, (string, long)>();
        if (!Directory.Exists("/proc/self/task"))
        {
            return result;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var text = File.ReadAllText(Path.Combine(dir, "stat"));
                var open = text.IndexOf('(', StringComparison.Ordinal);
                var close = text.LastIndexOf(')');
                var rest = text[(close + 2)..].Split(' ');
                var ticks = long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
                result[int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture)] = (text[(open + 1)..close], ticks);
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return result;
    }

    /// <summary>CPU milliseconds per thread name between two snapshots, largest first (threads with no CPU left out).</summary>
    public static IReadOnlyList<(string Name, int Threads, double Milliseconds)> Between(
        Dictionary<int, (string Name, long Ticks)> start, Dictionary<int, (string Name, long Ticks)> end) =>
        end.Select(kv => (kv.Value.Name, Ticks: kv.Value.Ticks - (start.TryGetValue(kv.Key, out var s) ? s.Ticks : 0)))
            .Where(t => t.Ticks > 0)
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count(), g.Sum(t => t.Ticks) / TicksPerMillisecond))
            .OrderByDescending(t => t.Item3)
            .ToList();
}
