using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;

namespace Gemma4.AI.IntegrationTests.Support;

/// <summary>
/// Runs tests/openai-node/check.mjs (the official OpenAI Node SDK) against a server, once per server address. The SDK is
/// npm-installed once into a cache folder keyed by package.json and .npmrc; Node.js and npm must be on PATH (a missing
/// one fails the tests that need it, with a message saying so).
/// </summary>
internal static class OpenAINodeCheck
{
    private static readonly ConcurrentDictionary<Uri, Lazy<Task<IReadOnlyList<Result>>>> Runs = new();

    /// <summary>The folder with package.json, .npmrc and check.mjs.</summary>
    public static string SourceDirectory =>
        typeof(OpenAINodeCheck).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "OpenAINodeCheck").Value!;

    /// <summary>The results of the one run against <paramref name="baseAddress"/> (started by the first caller).</summary>
    public static Task<IReadOnlyList<Result>> RunOnceAsync(Uri baseAddress, string apiKey) =>
        Runs.GetOrAdd(baseAddress, _ => new Lazy<Task<IReadOnlyList<Result>>>(() => RunAsync(baseAddress, apiKey))).Value;

    private static async Task<IReadOnlyList<Result>> RunAsync(Uri baseAddress, string apiKey)
    {
        var directory = await InstallAsync();
        var script = Path.Combine(directory, $"check-{Environment.ProcessId}.mjs");
        var resultsFile = Path.Combine(directory, $"results-{Environment.ProcessId}.json");
        File.Copy(Path.Combine(SourceDirectory, "check.mjs"), script, overwrite: true);
        try
        {
            var (exitCode, output) = await RunToolAsync("node", [script, resultsFile], directory, TimeSpan.FromMinutes(5), new()
            {
                ["GEMMA4_BASE_URL"] = new Uri(baseAddress, "v1").ToString(),
                ["GEMMA4_API_KEY"] = apiKey,
            });
            if (!File.Exists(resultsFile))
            {
                throw new InvalidOperationException($"check.mjs wrote no results (exit code {exitCode}):\n{output}");
            }

            return JsonSerializer.Deserialize<List<Result>>(await File.ReadAllTextAsync(resultsFile), JsonSerializerOptions.Web)!;
        }
        finally
        {
            File.Delete(script);
            File.Delete(resultsFile);
        }
    }

    /// <summary>npm-installs package.json into the cache once; concurrent first runs each install into their own folder and one wins.</summary>
    private static async Task<string> InstallAsync()
    {
        string[] inputs = ["package.json", ".npmrc"];
        var hash = Convert.ToHexStringLower(SHA256.HashData(inputs.SelectMany(f => File.ReadAllBytes(Path.Combine(SourceDirectory, f))).ToArray()))[..16];
        var directory = Path.Combine(Path.GetTempPath(), "gemma4-ai-openai-node", hash);
        if (File.Exists(Path.Combine(directory, "node_modules", "openai", "package.json")))
        {
            return directory;
        }

        var staging = $"{directory}.{Environment.ProcessId}.{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        foreach (var file in inputs)
        {
            File.Copy(Path.Combine(SourceDirectory, file), Path.Combine(staging, file));
        }

        var (exitCode, output) = await RunToolAsync("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock"], staging, TimeSpan.FromMinutes(5), []);
        if (exitCode != 0)
        {
            Directory.Delete(staging, recursive: true);
            throw new InvalidOperationException($"npm install of the OpenAI Node SDK failed (exit code {exitCode}):\n{output}");
        }

        try
        {
            Directory.Move(staging, directory);
        }
        catch (IOException) when (Directory.Exists(directory))
        {
            Directory.Delete(staging, recursive: true); // another run installed it first
        }

        return directory;
    }

    private static async Task<(int ExitCode, string Output)> RunToolAsync(
        string tool, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"'{tool}' is not on PATH ({ex.Message}). The OpenAI Node SDK check needs Node.js 20 or later and npm (Debian: apt-get install nodejs npm).", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within {timeout}. Output so far:\n{await stdout}{await stderr}");
            }

            return (process.ExitCode, await stdout + await stderr);
        }
    }

    /// <summary>One check of the script: its name, whether it passed, and why not.</summary>
    public sealed record Result(string Name, bool Ok, string? Reason);
}
