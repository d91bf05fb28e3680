using System.Runtime.InteropServices;

namespace Gemma4.AI.Native;

/// <summary>Gives back the OpenMP thread team that the calling thread created by running ggml's CPU backend.</summary>
/// <remarks>
/// ggml's CPU backend runs each graph in an OpenMP parallel region, and its barriers between graph nodes are OpenMP
/// barriers. libgomp keeps a team of worker threads for every thread that ever started a region, and once the process
/// holds more OpenMP threads than CPUs it makes every barrier spin only 100 times before sleeping in the kernel. So two
/// engines decoding on their own threads (a chat model and an embedding generator, or two models) slow each other's
/// decodes even while one of them is idle: measured +25% per token on the E2B shape with 2 threads on 2 cores.
/// Engines call <see cref="Release"/> when they go idle, so the engine at work keeps the fast, spinning barriers.
/// Only libgomp (the Linux builds of llama.cpp) is known to behave this way; elsewhere this does nothing.
/// </remarks>
internal static unsafe class OpenMpTeam
{
    private const int PauseSoft = 1;

    // omp_pause_resource_all(omp_pause_soft): libgomp frees the calling thread's team and its worker threads.
    private static readonly delegate* unmanaged[Cdecl]<int, int> PauseAll = Resolve();

    /// <summary>Whether the OpenMP runtime of the bundled CPU backend was found (libgomp).</summary>
    public static bool IsAvailable => PauseAll != null;

    /// <summary>
    /// Frees the calling thread's OpenMP team, if it has one; its next parallel region starts a new team (a few thread
    /// creations). Must not be called from inside a parallel region — llama.cpp never calls back into .NET from one.
    /// </summary>
    public static void Release()
    {
        if (PauseAll != null)
        {
            _ = PauseAll(PauseSoft);
        }
    }

    private static delegate* unmanaged[Cdecl]<int, int> Resolve()
    {
        // dlopen returns the copy that libggml-cpu already loaded; TryLoad never throws.
        if (!OperatingSystem.IsLinux()
            || !NativeLibrary.TryLoad("libgomp.so.1", out var library)
            || !NativeLibrary.TryGetExport(library, "omp_pause_resource_all", out var export))
        {
            return null;
        }

        return (delegate* unmanaged[Cdecl]<int, int>)export;
    }
}
