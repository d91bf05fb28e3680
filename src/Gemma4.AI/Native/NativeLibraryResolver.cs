using System.Reflection;
using System.Runtime.InteropServices;
using LLama.Native;

namespace Gemma4.AI.Native;

/// <summary>
/// Points this assembly's P/Invokes at the native libraries LLamaSharp has already loaded, so both use one copy.
/// </summary>
internal static class NativeLibraryResolver
{
    private static int _registered;

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name is not (LlamaNative.LibraryName or GgmlNative.LibraryName or GgmlNative.BaseLibraryName or MtmdNative.LibraryName))
        {
            return IntPtr.Zero;
        }

        // Makes LLamaSharp pick and load its native build (CPU variant or CUDA) first; libmtmd is loaded on first use.
        if (name == MtmdNative.LibraryName)
        {
            MtmdNative.EnsureLoaded();
        }
        else
        {
            NativeApi.llama_empty_call();
        }

        // The loaded library is found by its soname/module name, so this returns the same handle.
        var fileName = OperatingSystem.IsWindows() ? $"{name}.dll"
            : OperatingSystem.IsMacOS() ? $"lib{name}.dylib"
            : $"lib{name}.so";
        return NativeLibrary.TryLoad(fileName, out var handle) ? handle : IntPtr.Zero;
    }
}
