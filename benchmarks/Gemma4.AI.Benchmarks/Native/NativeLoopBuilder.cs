using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Gemma4.AI.Benchmarks.Native;

/// <summary>
/// Compiles a native baseline (native/llama_bench_loop.c, llama_embed_loop.c, llama_mtmd_loop.c) with the machine's C compiler
/// against the libllama.so this process loaded, so both sides run the very same native code. Builds are cached by
/// source, shared header and library.
/// </summary>
internal static class NativeLoopBuilder
{
    /// <summary>Our declarations of the llama.cpp API, included by every native program.</summary>
    public const string HeaderFileName = "llama_b10221.h";

    /// <summary>The native sources shipped next to the program (copied to the output and publish folders).</summary>
    public static string SourceDirectory => Path.Combine(AppContext.BaseDirectory, "native");

    /// <summary>The folder of the libllama.so loaded into this process (Linux: read from /proc/self/maps).</summary>
    /// <exception cref="PlatformNotSupportedException">Not Linux, or llama.cpp is not loaded yet.</exception>
    public static string LoadedLibraryDirectory()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/maps"))
        {
            throw new PlatformNotSupportedException("The native baseline runs on Linux only (it finds the loaded libllama.so in /proc/self/maps).");
        }

        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0 && line.EndsWith("/libllama.so", StringComparison.Ordinal))
            {
                return Path.GetDirectoryName(line[slash..])!;
            }
        }

        throw new PlatformNotSupportedException("libllama.so is not loaded in this process; load a model first.");
    }

    /// <summary>Compiles (or reuses) a native program; returns the executable's path.</summary>
    /// <param name="compiler">The C compiler command (cc, gcc, clang).</param>
    /// <param name="libraryDirectory">Folder with libllama.so, libggml.so and libggml-base.so.</param>
    /// <param name="program">The program's name: native/<paramref name="program"/>.c is compiled.</param>
    /// <param name="libraries">Libraries linked besides llama, ggml and ggml-base (e.g. mtmd).</param>
    /// <exception cref="InvalidOperationException">The compiler is missing or failed; the message has its output.</exception>
    public static string Build(string compiler, string libraryDirectory, string program, params string[] libraries)
    {
        var source = Path.Combine(SourceDirectory, program + ".c");
        var header = Path.Combine(SourceDirectory, HeaderFileName);
        if (!File.Exists(source) || !File.Exists(header))
        {
            throw new InvalidOperationException($"The native loop sources are missing: {source}, {header}.");
        }

        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            File.ReadAllText(source) + "\n" + File.ReadAllText(header) + "\n" + libraryDirectory + "\n" + compiler + "\n" + string.Join(' ', libraries))))[..16];
        var outputDirectory = Path.Combine(Path.GetTempPath(), "gemma4-ai-benchmarks", key);
        var binary = Path.Combine(outputDirectory, program);
        if (File.Exists(binary))
        {
            return binary;
        }

        Directory.CreateDirectory(outputDirectory);
        var temp = $"{binary}.{Environment.ProcessId}.tmp";
        var start = new ProcessStartInfo(compiler)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "-O2", "-std=c11", "-Wall", "-o", temp, source,
            $"-L{libraryDirectory}", "-lllama", "-lggml", "-lggml-base", .. libraries.Select(l => "-l" + l), "-lm", $"-Wl,-rpath,{libraryDirectory}",
        ];
        foreach (var arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the C compiler '{compiler}'.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"The C compiler '{compiler}' was not found (install gcc, or pass --cc or --native-bin): {ex.Message}", ex);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"Compiling {source} failed ({compiler}, exit {process.ExitCode}):\n{stdout}{stderr.Result}");
            }
        }

        File.Move(temp, binary, overwrite: true);
        return binary;
    }
}
