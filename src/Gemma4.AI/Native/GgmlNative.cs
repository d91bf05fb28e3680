using System.Runtime.InteropServices;

namespace Gemma4.AI.Native;

/// <summary>ggml entry points used to load extra backend modules (for example a CUDA build) at run time.</summary>
internal static partial class GgmlNative
{
    public const string LibraryName = "ggml";

    static GgmlNative() => NativeLibraryResolver.EnsureRegistered();

    [LibraryImport(LibraryName, EntryPoint = "ggml_backend_load", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr BackendLoad(string path);

    [LibraryImport(LibraryName, EntryPoint = "ggml_backend_dev_count")]
    public static partial nuint DeviceCount();

    [LibraryImport(LibraryName, EntryPoint = "ggml_backend_dev_get")]
    public static partial IntPtr DeviceGet(nuint index);

    [LibraryImport(LibraryName, EntryPoint = "ggml_backend_dev_name")]
    public static partial IntPtr DeviceName(IntPtr device);

    [LibraryImport(LibraryName, EntryPoint = "ggml_backend_dev_description")]
    public static partial IntPtr DeviceDescription(IntPtr device);
}
