using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.Native;
using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>
/// A thread that runs ggml's CPU backend with 2 threads gets an OpenMP team (one worker thread, named like its
/// creator); once a process holds more OpenMP threads than CPUs, libgomp's barriers stop spinning and every decode
/// slows down. Engines must give their team back when they go idle. Threads are counted by name in /proc/self/task.
/// </summary>
// Runs alone: it counts the process's threads.
[Collection(SerialTests.Name)]
public sealed class OpenMpTeamTests
{
    [LinuxFact]
    public void Release_EndsTheWorkerThreadOfTheCallingThreadsTeam()
    {
        Assert.True(OpenMpTeam.IsAvailable, "libgomp (the bundled CPU backend's OpenMP runtime) was not found");
        var path = TestModels.TestModels.Gemma4();
        using var weights = Llama.Load(path);
        var parameters = Llama.Params(path);
        parameters.Threads = 2;
        parameters.BatchThreads = 2;
        using var context = weights.CreateContext(parameters);

        int afterDecode = 0, afterRelease = 0;
        var probe = new Thread(() =>
        {
            Llama.DecodeLastLogits(context, Llama.Tokenize(weights, "Hello there", special: false, addBos: true));
            afterDecode = ThreadsNamed("g4-omp-probe").Count;
            OpenMpTeam.Release();
            afterRelease = ThreadsNamed("g4-omp-probe").Count;
        })
        { Name = "g4-omp-probe" };
        probe.Start();
        probe.Join();

        Assert.Equal(2, afterDecode); // the probe and its OpenMP worker
        Assert.Equal(1, afterRelease);
    }

    [LinuxFact]
    public async Task IdleEngines_KeepNoOpenMpWorkers()
    {
        var options = TinyChatModel.Options(TestModels.TestModels.Gemma4());
        options.Threads = 2;
        options.BatchThreads = 2;
        var decodeBefore = ThreadsNamed("Gemma4 decode l");
        var embeddingBefore = ThreadsNamed("Gemma4 embeddin");
        using var model = await Gemma4Model.LoadAsync(options);
        using var client = new Gemma4ChatClient(model);
        using var generator = new Gemma4EmbeddingGenerator(model, new Gemma4EmbeddingGeneratorOptions { Threads = 2 });

        await client.GetResponseAsync("Hello", new ChatOptions { MaxOutputTokens = 4, Temperature = 0 });
        await generator.GenerateAsync(["one text", "another text"]);

        // Each engine's loop thread alone: their OpenMP workers ended when the loops went idle (right after the work).
        Assert.Equal(1, await NewThreadsAsync("Gemma4 decode l", decodeBefore));
        Assert.Equal(1, await NewThreadsAsync("Gemma4 embeddin", embeddingBefore));
    }

    /// <summary>Threads created since <paramref name="before"/> with this name, once the count settles at 1 (or after 10 s).</summary>
    private static async Task<int> NewThreadsAsync(string name, HashSet<string> before)
    {
        var count = 0;
        for (var i = 0; i < 200; i++)
        {
            count = ThreadsNamed(name).Count(id => !before.Contains(id));
            if (count == 1)
            {
                break;
            }

            await Task.Delay(50);
        }

        return count;
    }

    /// <summary>Task ids of this process's threads whose kernel name (15 characters at most) is <paramref name="name"/>.</summary>
    private static HashSet<string> ThreadsNamed(string name)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == name)
                {
                    ids.Add(Path.GetFileName(task));
                }
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }

        return ids;
    }

    /// <summary>libgomp's behaviour is what is tested: Linux only.</summary>
    private sealed class LinuxFactAttribute : FactAttribute
    {
        public LinuxFactAttribute()
        {
            if (!OperatingSystem.IsLinux())
            {
                Skip = "OpenMP teams are a libgomp (Linux) matter; /proc/self/task is Linux only.";
            }
        }
    }
}
