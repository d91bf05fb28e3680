using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Gemma4.AI.IntegrationTests.Packaging;

/// <summary>
/// Packs Gemma4.AI and Gemma4.AI.SemanticKernel (the build under test, <c>--no-build</c>) into a folder feed under
/// <c>artifacts/consumer-check/</c>, with a prerelease suffix unique to this run so no copy of an earlier run in the
/// global packages folder can stand in for them; consumer projects are built in a scratch folder outside the
/// repository, so none of its build files (Directory.Build.props, central package management, NuGet.config) apply.
/// </summary>
public sealed class PackageFeedFixture : IDisposable
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    private readonly List<string> _restoredPackages = [];

    public PackageFeedFixture()
    {
        RepositoryRoot = FindRepositoryRoot();
        var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var checkRoot = Path.Combine(RepositoryRoot, "artifacts", "consumer-check");
        DeleteEarlierRuns(checkRoot);
        Feed = Path.Combine(checkRoot, run, "feed");
        Directory.CreateDirectory(Feed);
        WorkDirectory = Path.Combine(Path.GetTempPath(), "gemma4-ai-consumer-" + run);
        Directory.CreateDirectory(WorkDirectory);

        var stopwatch = Stopwatch.StartNew();
        foreach (var project in new[] { "src/Gemma4.AI/Gemma4.AI.csproj", "src/Gemma4.AI.SemanticKernel/Gemma4.AI.SemanticKernel.csproj" })
        {
            var pack = Dotnet.Run(RepositoryRoot, TimeSpan.FromMinutes(3),
                "pack", project, "-c", Configuration, "--no-build", "-o", Feed, $"-p:VersionSuffix=consumer.{run}");
            PackOutput += pack.Output;
            if (pack.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet pack {project} failed ({pack.ExitCode}):\n{pack.Output}");
            }
        }

        PackTime = stopwatch.Elapsed;
        const string Prefix = "Gemma4.AI.";
        var package = Directory.GetFiles(Feed, Prefix + "*.nupkg").Select(f => Path.GetFileName(f)).Single(n => char.IsDigit(n[Prefix.Length]));
        Version = package[Prefix.Length..^".nupkg".Length];
    }

    public string RepositoryRoot { get; }

    public string Feed { get; }

    /// <summary>Where consumer projects are built: a scratch folder outside the repository.</summary>
    public string WorkDirectory { get; }

    /// <summary>The packages' version, e.g. <c>0.2.0-consumer.20261206041500.1234</c>.</summary>
    public string Version { get; }

    public string PackOutput { get; } = string.Empty;

    public TimeSpan PackTime { get; }

    /// <summary>
    /// Copies a consumer template (<c>Packaging/Consumer/NAME.csproj.template</c>) into its own folder under
    /// <see cref="WorkDirectory"/> with the feed's NuGet.config, and builds it in Release.
    /// </summary>
    public ConsumerBuild Build(string name, string programSource)
    {
        var directory = Path.Combine(WorkDirectory, name);
        Directory.CreateDirectory(directory);
        var templates = Path.Combine(RepositoryRoot, "tests", "Gemma4.AI.IntegrationTests", "Packaging", "Consumer");
        File.Copy(Path.Combine(templates, name + ".csproj.template"), Path.Combine(directory, name + ".csproj"));
        File.WriteAllText(Path.Combine(directory, "NuGet.config"),
            File.ReadAllText(Path.Combine(templates, "NuGet.config.template")).Replace("{FEED}", Feed, StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(directory, "Program.cs"), programSource);

        // Empty build files stop MSBuild's search for others above the scratch folder: the project stands alone.
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(directory, file), "<Project />\n");
        }

        var stopwatch = Stopwatch.StartNew();
        var build = Dotnet.Run(directory, TimeSpan.FromMinutes(6),
            "build", name + ".csproj", "-c", "Release", $"-p:Gemma4PackageVersion={Version}", "--disable-build-servers", "-nodeReuse:false");
        var result = new ConsumerBuild(directory, Path.Combine(directory, "bin", "Release", "net10.0"), build.ExitCode, build.Output, stopwatch.Elapsed);
        if (File.Exists(result.AssetsFile))
        {
            lock (_restoredPackages)
            {
                _restoredPackages.Add(result.AssetsFile);
            }
        }

        return result;
    }

    public string TemplateSource(string fileName) =>
        File.ReadAllText(Path.Combine(RepositoryRoot, "tests", "Gemma4.AI.IntegrationTests", "Packaging", "Consumer", fileName));

    public void Dispose()
    {
        // This run's packages leave the global packages folder again (their version is never used twice).
        foreach (var assets in _restoredPackages)
        {
            foreach (var folder in ConsumerBuild.PackageFolders(assets))
            {
                foreach (var id in new[] { "gemma4.ai", "gemma4.ai.semantickernel" })
                {
                    TryDelete(Path.Combine(folder, id, Version.ToLowerInvariant()));
                }
            }
        }

        TryDelete(WorkDirectory);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gemma4.AI.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Gemma4.AI.sln above {AppContext.BaseDirectory}.");
    }

    private static void DeleteEarlierRuns(string checkRoot)
    {
        if (Directory.Exists(checkRoot))
        {
            foreach (var run in Directory.GetDirectories(checkRoot))
            {
                TryDelete(run);
            }
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>A consumer project built by <see cref="PackageFeedFixture.Build"/>.</summary>
public sealed record ConsumerBuild(string Directory, string OutputDirectory, int ExitCode, string Output, TimeSpan Elapsed)
{
    public string AssetsFile => Path.Combine(Directory, "obj", "project.assets.json");

    /// <summary>The restored library entry (<c>type</c>: package or project) and folder of a package, from project.assets.json.</summary>
    public (string Type, string Path) Library(string id, string version)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(AssetsFile));
        var library = assets.RootElement.GetProperty("libraries").GetProperty($"{id}/{version}");
        var folder = PackageFolders(AssetsFile)
            .Select(f => System.IO.Path.Combine(f, library.GetProperty("path").GetString()!))
            .First(System.IO.Directory.Exists);
        return (library.GetProperty("type").GetString()!, folder);
    }

    public static IReadOnlyList<string> PackageFolders(string assetsFile)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(assetsFile));
        return [.. assets.RootElement.GetProperty("packageFolders").EnumerateObject().Select(p => p.Name)];
    }
}

/// <summary>Runs the dotnet CLI as a user's shell would: without the test host's MSBuild variables.</summary>
internal static class Dotnet
{
    public static (int ExitCode, string Output) Run(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
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

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish within {timeout}. Output so far: {output.Result}");
        }

        return (process.ExitCode, output.Result + error.Result);
    }
}
