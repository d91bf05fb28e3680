using System.Globalization;
using Gemma4.AI;
using Microsoft.Extensions.AI;

// Usage: Gemma4.AI.MemoryCycles [cycles=200] [context=2048]
// Prints, every tenth of the run: glibc's native heap in use (mallinfo2), RSS, mappings of the model file, open file
// descriptors and threads. Run it under heaptrack to see which library still holds what (scripts/memory/run.sh).
var cycles = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var context = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2048;
var path = Gemma4.AI.TestModels.TestModels.Gemma4();
var options = new Gemma4ModelOptions { ModelPath = path, ContextSize = context, Threads = 1, BatchThreads = 1, MaxParallelSequences = 2 };
for (var i = 0; i <= cycles; i++)
{
    using (var model = await Gemma4Model.LoadAsync(options))
    using (var client = new Gemma4ChatClient(model))
    {
        await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 4, Temperature = 0 });
    }

    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    if (i % Math.Max(1, cycles / 10) == 0)
    {
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"cycle {i}: native heap in use {Stats.NativeInUse() >> 10} KiB, rss {Stats.Rss() >> 10} KiB, model mappings {Stats.Mappings(path)}, fds {Stats.Descriptors()}, threads {Stats.Threads()}"));
    }
}

internal static class Stats
{
    public static long NativeInUse() => Gemma4.AI.IntegrationTests.Support.NativeHeapStats.InUseBytes();

    public static long Rss() =>
        long.Parse(File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    public static int Mappings(string path) => File.ReadAllLines("/proc/self/maps").Count(l => l.EndsWith(path, StringComparison.Ordinal));

    public static int Descriptors() => Directory.GetFiles("/proc/self/fd").Length;

    public static int Threads() => Directory.GetDirectories("/proc/self/task").Length;
}
