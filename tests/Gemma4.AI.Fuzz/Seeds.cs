using Gemma4.AI.Gguf;
using Gemma4.AI.TestModels;

namespace Gemma4.AI.Fuzz;

/// <summary>
/// Seed corpora, generated at run time by the project's own GGUF writer (no model file is committed): complete gemma4
/// and gemma-embedding files of <see cref="TinyModelSpec.Minimal"/> shapes (~60 KB), and their headers alone.
/// </summary>
internal static class Seeds
{
    private static readonly TinyModelSpec SmallEmbedding = TinyModelSpec.Minimal with { ContextLength = 512, Name = "gemma-embedding-minimal-test" };

    public static void WriteModels(string directory)
    {
        Directory.CreateDirectory(directory);
        Write(directory, "gemma4", TestModelKind.Gemma4, TinyModelSpec.Minimal);
        Write(directory, "gemma-embedding", TestModelKind.GemmaEmbedding, SmallEmbedding);
        WriteDictionary(directory);
    }

    /// <summary>
    /// An AFL++ dictionary (DIR.dict) of the seeds' metadata keys and architecture names, so mutations can swap whole
    /// keys (a gemma4 key into an embedding file, a tokenizer key into a tensor name) instead of finding them byte by byte.
    /// </summary>
    private static void WriteDictionary(string directory)
    {
        var words = new SortedSet<string>(StringComparer.Ordinal) { "gemma4", "gemma-embedding", "GGUF" };
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
        var bytes = File.ReadAllBytes(whole);
        var header = GgufReader.Read(new MemoryStream(bytes)).DataOffset;
        File.WriteAllBytes(Path.Combine(directory, name + "-header.gguf"), bytes[..(int)header]);
    }
}
