using Gemma4.AI.Native;

namespace Gemma4.AI.Benchmarks;

/// <summary>Loads an extra ggml backend module (e.g. a CUDA build, issue 9) into this process before the model loads.</summary>
internal static class BackendModules
{
    /// <summary>Registers the module's devices with the bundled ggml; throws when ggml refuses it.</summary>
    /// <exception cref="InvalidOperationException">The file is missing or ggml could not load it.</exception>
    public static IReadOnlyList<string> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"--backend-module: {path} does not exist.");
        }

        // TODO(issue 9): call the library's own backend-module option once Gemma4ModelOptions has one (the lead adds
        // it); until then this is the one place that loads a module, straight through ggml_backend_load.
        if (GgmlNative.BackendLoad(Path.GetFullPath(path)) == IntPtr.Zero)
        {
            throw new InvalidOperationException($"ggml_backend_load refused {path} (wrong ggml version, or its CUDA runtime is missing); see the native log.");
        }

        return Devices();
    }

    /// <summary>The ggml devices now registered, as "name: description".</summary>
    public static IReadOnlyList<string> Devices()
    {
        var devices = new List<string>();
        for (nuint i = 0; i < GgmlNative.DeviceCount(); i++)
        {
            var device = GgmlNative.DeviceGet(i);
            devices.Add($"{System.Runtime.InteropServices.Marshal.PtrToStringUTF8(GgmlNative.DeviceName(device))}: " +
                        System.Runtime.InteropServices.Marshal.PtrToStringUTF8(GgmlNative.DeviceDescription(device)));
        }

        return devices;
    }
}
