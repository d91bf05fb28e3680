using System.Runtime.InteropServices;
using Gemma4.AI.Native;

namespace Gemma4.AI;

/// <summary>
/// The ggml compute backends of this process: list the devices, and load extra backend modules (a CUDA, Vulkan or
/// ROCm build of ggml matching the bundled libraries) at run time.
/// </summary>
/// <remarks>
/// The default CPU package brings only the CPU backend. GPU users normally build with <c>-p:Gemma4Backend=Cuda12</c>;
/// a backend module built from the same ggml sources (see scripts/build-ggml-backend.sh) is the alternative for other
/// GPUs or CUDA versions. Load modules before loading a model, or list them in <see cref="Gemma4ModelOptions.BackendModules"/>.
/// </remarks>
public static class Gemma4Backends
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<string> Loaded = new(StringComparer.Ordinal);

    /// <summary>Loads a ggml backend module (for example <c>libggml-cuda.so</c>); loading the same file again does nothing.</summary>
    /// <param name="path">Path of the module.</param>
    /// <returns>The devices that are available afterwards.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidOperationException">ggml refused the module: built against another ggml version (backend API
    /// version), or its own dependencies (such as the CUDA runtime) are missing.</exception>
    public static IReadOnlyList<Gemma4Device> LoadModule(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The ggml backend module '{full}' does not exist.", full);
        }

        lock (Gate)
        {
            NativeLogging.EnsureConfigured();
            LlamaNative.EnsureLoaded();
            if (!Loaded.Contains(full))
            {
                if (GgmlNative.BackendLoad(full) == IntPtr.Zero)
                {
                    throw new InvalidOperationException(
                        $"ggml could not load the backend module '{full}': it was built for another ggml version (its backend API " +
                        "version or score function does not match the bundled libraries) or a library it needs (such as the CUDA " +
                        "runtime, libcudart/libcublas) is missing from the library path. The native log has the details.");
                }

                Loaded.Add(full);
            }

            return Devices();
        }
    }

    /// <summary>The devices ggml can use now (the CPU first, then GPUs of loaded backends).</summary>
    public static IReadOnlyList<Gemma4Device> Devices()
    {
        LlamaNative.EnsureLoaded();
        var devices = new List<Gemma4Device>();
        var count = (int)GgmlNative.DeviceCount();
        for (var i = 0; i < count; i++)
        {
            var device = GgmlNative.DeviceGet((nuint)i);
            GgmlNative.DeviceMemory(device, out var free, out var total);
            var kind = GgmlNative.DeviceKind(device);
            devices.Add(new Gemma4Device(
                Marshal.PtrToStringUTF8(GgmlNative.DeviceName(device)) ?? string.Empty,
                Marshal.PtrToStringUTF8(GgmlNative.DeviceDescription(device)) ?? string.Empty,
                kind is GgmlNative.DeviceType.Gpu or GgmlNative.DeviceType.IntegratedGpu or GgmlNative.DeviceType.Accelerator,
                (long)total,
                (long)free));
        }

        return devices;
    }
}
