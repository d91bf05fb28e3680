using Gemma4.AI.Gguf;
using Gemma4.AI.TestModels;

namespace Gemma4.AI.Fuzz;

/// <summary>
/// Seed corpora, generated at run time by the project's own GGUF writer (no model file is committed): complete gemma4
/// and gemma-embedding files of <see cref="TinyModelSpec.Minimal"/> shapes (~60 KB), small projectors, and their headers alone.
/// </summary>
internal static class Seeds
{
    private static readonly TinyModelSpec SmallEmbedding = TinyModelSpec.Minimal with { ContextLength = 512, Name = "gemma-embedding-minimal-test" };

    /// <summary>The text model width the projector target checks projectors against (the seeds' projection width).</summary>
    public const int ProjectorTextWidth = 16;

    /// <summary>The image budget the projector target checks the position table against (the seeds' table covers it).</summary>
    public const int ProjectorImageTokens = 16;

    // Vision and audio encoders of the real layout at the smallest sizes: the whole file is ~17 KB.
    private static readonly TinyProjectorSpec SmallProjector = TinyProjectorSpec.Default with
    {
        ProjectionWidth = ProjectorTextWidth,
        VisionWidth = 8,
        VisionFeedForward = 16,
        PatchSize = 4,
        PositionTableSize = ProjectorImageTokens * 3,
        AudioWidth = 8,
        AudioFeedForward = 16,
        MelBins = 8,
        ConvChannels0 = 4,
        ConvChannels1 = 2,
        Name = "gemma4-mmproj-fuzz-seed",
    };

    /// <summary>Projectors: vision and audio in one file, each alone, and one with F16 matrices; whole and headers alone.</summary>
    public static void WriteProjectors(string directory)
    {
        Directory.CreateDirectory(directory);
        WriteProjector(directory, "mmproj", SmallProjector);
        WriteProjector(directory, "mmproj-vision", SmallProjector with { Audio = false });
        WriteProjector(directory, "mmproj-audio", SmallProjector with { Vision = false });
        WriteProjector(directory, "mmproj-f16", SmallProjector with { WeightType = GgufTensorType.F16 });
        WriteDictionary(directory, "clip", "gemma4v", "gemma4a", "gemma4uv", "gemma4ua");
    }

    public static void WriteModels(string directory)
    {
        Directory.CreateDirectory(directory);
        Write(directory, "gemma4", TestModelKind.Gemma4, TinyModelSpec.Minimal);
        Write(directory, "gemma-embedding", TestModelKind.GemmaEmbedding, SmallEmbedding);
        WriteDictionary(directory, "gemma4", "gemma-embedding");
    }

    /// <summary>
    /// An AFL++ dictionary (DIR.dict) of the seeds' metadata keys and architecture names, so mutations can swap whole
    /// keys (a gemma4 key into an embedding file, a tokenizer key into a tensor name) instead of finding them byte by byte.
    /// </summary>
    private static void WriteDictionary(string directory, params string[] names)
    {
        var words = new SortedSet<string>(StringComparer.Ordinal) { "GGUF" };
        words.UnionWith(names);
        foreach (var seed in Directory.GetFiles(directory, "*.gguf").Where(f => !f.EndsWith("-header.gguf", StringComparison.Ordinal)))
        {
            var file = GgufReader.Read(seed);
            words.UnionWith(file.Metadata.Keys);
            words.UnionWith(file.Tensors.Select(t => t.Name));
        }

        File.WriteAllLines(Path.TrimEndingDirectorySeparator(directory) + ".dict", words.Select((w, i) => $"w{i}=\"{w}\""));
    }

    private static void Write(string directory, string name, TestModelKind kind, TinyModelSpec spec)
    {
        var whole = Path.Combine(directory, name + ".gguf");
        TestModels.TestModels.Write(kind, spec, whole);
        WriteHeader(directory, name, whole);
    }

    private static void WriteProjector(string directory, string name, TinyProjectorSpec spec)
    {
        var whole = Path.Combine(directory, name + ".gguf");
        TestModels.TestModels.WriteProjector(spec, TinyModelSpec.Minimal, whole);
        WriteHeader(directory, name, whole);
    }

    private static void WriteHeader(string directory, string name, string whole)
    {
        var bytes = File.ReadAllBytes(whole);
        var header = GgufReader.Read(new MemoryStream(bytes)).DataOffset;
        File.WriteAllBytes(Path.Combine(directory, name + "-header.gguf"), bytes[..(int)header]);
    }
}
