using System.Runtime.InteropServices;

namespace Gemma4.AI.Native;

/// <summary>ggml's backend registry: load extra backend modules (for example a CUDA build) and list devices.</summary>
internal static partial class GgmlNative
{
    public const string LibraryName = "ggml";
    public const string BaseLibraryName = "ggml-base";

    /// <summary>ggml_backend_dev_type: what kind of device it is.</summary>
    public enum DeviceType
    {
        Cpu = 0,
        Gpu = 1,
        IntegratedGpu = 2,
        Accelerator = 3,
    }

    static GgmlNative() => NativeLibraryResolver.EnsureRegistered();

    [LibraryImport(LibraryName, EntryPoint = "ggml_backend_load", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr BackendLoad(string path);

    [LibraryImport(LibraryName, EntryPoint = "ggml_backend_dev_count")]
    public static partial nuint DeviceCount();

    [LibraryImport(LibraryName, EntryPoint = "ggml_backend_dev_get")]
    public static partial IntPtr DeviceGet(nuint index);

    [LibraryImport(BaseLibraryName, EntryPoint = "ggml_backend_dev_name")]
    public static partial IntPtr DeviceName(IntPtr device);

    [LibraryImport(BaseLibraryName, EntryPoint = "ggml_backend_dev_description")]
    public static partial IntPtr DeviceDescription(IntPtr device);

    [LibraryImport(BaseLibraryName, EntryPoint = "ggml_backend_dev_type")]
    public static partial DeviceType DeviceKind(IntPtr device);

    [LibraryImport(BaseLibraryName, EntryPoint = "ggml_backend_dev_memory")]
    public static partial void DeviceMemory(IntPtr device, out nuint free, out nuint total);
}
