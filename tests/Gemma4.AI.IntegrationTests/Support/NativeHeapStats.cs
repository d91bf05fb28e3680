using System.Runtime.InteropServices;

namespace Gemma4.AI.IntegrationTests.Support;

/// <summary>glibc's own count of the native heap in use (malloc'd and not yet freed, small blocks and mmap'd chunks).</summary>
internal static class NativeHeapStats
{
    /// <summary>Bytes allocated with malloc and friends and not yet freed, process-wide.</summary>
    public static long InUseBytes()
    {
        var info = MallInfo2();
        return (long)info.UsedSmallAndMedium + (long)info.MappedChunks;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallocInfo MallInfo2();

    // struct mallinfo2 (glibc 2.33+): ten size_t fields.
    [StructLayout(LayoutKind.Sequential)]
    private struct MallocInfo
    {
        public nuint Arena;
        public nuint FreeChunks;
        public nuint FastBins;
        public nuint MappedRegions;
        public nuint MappedChunks;
        public nuint MaxTotal;
        public nuint FreeFastBinBytes;
        public nuint UsedSmallAndMedium;
        public nuint FreeSmallAndMedium;
        public nuint Releasable;
    }
}
