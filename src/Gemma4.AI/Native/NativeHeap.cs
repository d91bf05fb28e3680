using System.Runtime.InteropServices;

namespace Gemma4.AI.Native;

/// <summary>
/// Gives freed native heap memory back to the operating system. llama.cpp frees every buffer of a disposed model (measured
/// with heaptrack and glibc's counters, docs/memory.md), but glibc keeps freed small and medium blocks in its arenas, so a
/// process that loads and disposes models saw its resident memory grow ~0.27 MiB per cycle; trimming after a dispose
/// returns it (the growth fell to the runtime's own, ~0.04 MiB per cycle and levelling off).
/// </summary>
internal static partial class NativeHeap
{
    private static int _unavailable;

    /// <summary>Calls glibc's <c>malloc_trim(0)</c>; does nothing on other platforms and C libraries.</summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref _unavailable) != 0)
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            Volatile.Write(ref _unavailable, 1); // musl and other C libraries have no malloc_trim
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
