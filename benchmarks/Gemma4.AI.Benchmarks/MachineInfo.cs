using System.Globalization;
using System.Runtime.InteropServices;

namespace Gemma4.AI.Benchmarks;

/// <summary>A one-line description of the machine for the output and the docs.</summary>
internal static class MachineInfo
{
    public static string Describe()
    {
        var cpu = ReadField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memKb = ReadField("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var memory = long.TryParse(memKb, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb)
            ? string.Create(CultureInfo.InvariantCulture, $"{kb / 1024.0 / 1024.0:F1} GiB RAM")
            : "RAM unknown";
        return $"{cpu}, {Environment.ProcessorCount} logical cores, {memory}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }

    private static string? ReadField(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == key)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }
}
