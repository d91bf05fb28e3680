using System.IO.Compression;
using System.Xml.Linq;
using Gemma4.AI.TestModels;
using Xunit.Abstractions;

namespace Gemma4.AI.IntegrationTests.Packaging;

/// <summary>
/// The packages as a user gets them: packed from this build into a folder feed, restored by version into a fresh
/// console project outside the repository, built and run on the tiny generated model.
/// </summary>
public sealed class PackageConsumerTests(PackageFeedFixture feed, ITestOutputHelper log) : IClassFixture<PackageFeedFixture>
{
    [Fact]
    public void Pack_BothPackages_ShipReadmeXmlDocsSymbolsAndTheBackendAsADependency()
    {
        log.WriteLine($"pack: {feed.PackTime.TotalSeconds:F1} s, version {feed.Version}");
        foreach (var id in new[] { "Gemma4.AI", "Gemma4.AI.SemanticKernel" })
        {
            var nupkg = Path.Combine(feed.Feed, $"{id}.{feed.Version}.nupkg");
            Assert.True(File.Exists(Path.Combine(feed.Feed, $"{id}.{feed.Version}.snupkg")), $"{id} has no symbols package");
            using var zip = ZipFile.OpenRead(nupkg);
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains($"lib/net10.0/{id}.dll", entries);
            Assert.Contains($"lib/net10.0/{id}.xml", entries);
            Assert.Contains("README.md", entries);
            Assert.DoesNotContain(entries, e => e.StartsWith("content", StringComparison.OrdinalIgnoreCase));

            var nuspec = XDocument.Load(zip.GetEntry($"{id}.nuspec")!.Open());
            var ns = nuspec.Root!.Name.Namespace;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));
            Assert.Contains("gemma4", metadata.Element(ns + "tags")?.Value ?? string.Empty, StringComparison.Ordinal);
            Assert.NotNull(metadata.Element(ns + "repository")?.Attribute("commit"));

            // The native backend reaches consumers through this chain, build assets included (its props copy the natives).
            var dependencies = metadata.Descendants(ns + "dependency").ToDictionary(d => d.Attribute("id")!.Value);
            var backend = id == "Gemma4.AI" ? dependencies["LLamaSharp.Backend.Cpu"] : dependencies["Gemma4.AI"];
            Assert.Equal("All", backend.Attribute("include")?.Value);
            Assert.Null(backend.Attribute("exclude"));
            if (id != "Gemma4.AI")
            {
                Assert.Equal(feed.Version, backend.Attribute("version")?.Value);
            }
        }
    }

    [Fact]
    public void FreshConsoleApp_RestoresPackagesByVersion_RunsChatAndKernelOnTheTinyModel()
    {
        var build = feed.Build("PackageConsumer", feed.TemplateSource("Program.cs"));
        log.WriteLine($"consumer restore + build: {build.Elapsed.TotalSeconds:F1} s");
        Assert.True(build.ExitCode == 0, $"the consumer does not build:\n{build.Output}");

        // Restored from the feed as packages (a project reference would say "project"), XML docs next to the assemblies.
        foreach (var id in new[] { "Gemma4.AI", "Gemma4.AI.SemanticKernel" })
        {
            var (type, folder) = build.Library(id, feed.Version);
            Assert.Equal("package", type);
            var docs = Path.Combine(folder, "lib", "net10.0", id + ".xml");
            Assert.True(File.Exists(docs), $"no XML docs next to {id}.dll in {folder}");
            Assert.Contains(id == "Gemma4.AI" ? "T:Gemma4.AI.Gemma4ChatClient" : "T:Microsoft.SemanticKernel.Gemma4KernelBuilderExtensions", File.ReadAllText(docs), StringComparison.Ordinal);
        }

        var started = DateTime.UtcNow;
        var run = Dotnet.Run(build.Directory, TimeSpan.FromMinutes(3),
            Path.Combine(build.OutputDirectory, "PackageConsumer.dll"), TestModels.TestModels.Gemma4());
        log.WriteLine($"consumer run: {(DateTime.UtcNow - started).TotalSeconds:F1} s\n{run.Output}");
        Assert.True(run.ExitCode == 0, $"the consumer failed ({run.ExitCode}):\n{run.Output}");

        var lines = run.Output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("chat: pong (stop, model gemma4-tiny-test)", lines);

        // llama.cpp was loaded from the consumer's own output, where the backend package's props put it.
        var native = Value(lines, "native: ");
        var output = Value(lines, "output: ");
        Assert.StartsWith(Path.Combine(output, "runtimes"), native, StringComparison.Ordinal);
        Assert.Contains("CPU", Value(lines, "devices: "), StringComparison.OrdinalIgnoreCase);

        var kernel = Value(lines, "kernel: ");
        Assert.Matches(@"^[1-9]\d* plugin call\(s\), reply from gemma4-tiny-test, finish (Stop|Length)$", kernel);
    }

    [Fact]
    public void FreshWebApp_WithLoggerMessage_RunsConfiguredChatImagesEmbeddingsAndARemoteRegistration()
    {
        var build = feed.Build("WebConsumer", feed.TemplateSource("WebProgram.cs"));
        log.WriteLine($"web consumer restore + build: {build.Elapsed.TotalSeconds:F1} s");
        Assert.True(build.ExitCode == 0, $"the web consumer does not build:\n{build.Output}");
        Assert.Equal("package", build.Library("Gemma4.AI", feed.Version).Type);

        var image = Path.Combine(build.Directory, "image.png");
        File.WriteAllBytes(image, TestMedia.Png(96, 64, seed: 3));
        var started = DateTime.UtcNow;
        var run = Dotnet.Run(build.Directory, TimeSpan.FromMinutes(3),
            Path.Combine(build.OutputDirectory, "WebConsumer.dll"),
            $"--Gemma4:ModelPath={TestModels.TestModels.Gemma4()}",
            $"--Gemma4:ProjectorPath={TestModels.TestModels.Projector()}",
            "--Gemma4:ContextSize=2048", "--Gemma4:Threads=1", "--Gemma4:MaxParallelSequences=2",
            "--Gemma4:BatchSize=512", "--Gemma4:MicroBatchSize=512",
            $"--Embeddings:ModelPath={TestModels.TestModels.GemmaEmbedding()}", "--Embeddings:Embeddings:Threads=1",
            $"--Image={image}");
        log.WriteLine($"web consumer run: {(DateTime.UtcNow - started).TotalSeconds:F1} s\n{run.Output}");
        Assert.True(run.ExitCode == 0, $"the web consumer failed ({run.ExitCode}):\n{run.Output}");

        var lines = run.Output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Matches(@"^pong, [1-9]\d* image tokens$", Value(lines, "image: "));
        Assert.Equal("pong to Ping? (OpenAICompatible, stop, model gemma4-tiny-test)", Value(lines, "remote: "));
        Assert.Matches(@"^2 x [1-9]\d*$", Value(lines, "embeddings: "));
        Assert.Equal("200 Healthy", Value(lines, "health: "));
    }

    [Fact]
    public void DocumentedCpuBackendExclusion_LeavesNoCpuNativesInTheOutput()
    {
        var build = feed.Build("CpuBackendExcluded", "Console.WriteLine(typeof(Gemma4.AI.Gemma4Model).FullName);\n");
        log.WriteLine($"restore + build: {build.Elapsed.TotalSeconds:F1} s");
        Assert.True(build.ExitCode == 0, $"the project does not build:\n{build.Output}");

        Assert.True(File.Exists(Path.Combine(build.OutputDirectory, "Gemma4.AI.dll")));
        var natives = Directory.EnumerateFiles(build.OutputDirectory, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) is "libllama.so" or "llama.dll" or "libllama.dylib" or "libggml-cpu.so")
            .ToList();
        Assert.Empty(natives);
    }

    private static string Value(string[] lines, string prefix) =>
        lines.SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..]
        ?? throw new Xunit.Sdk.XunitException($"no '{prefix}' line in the consumer's output:\n{string.Join('\n', lines)}");
}
