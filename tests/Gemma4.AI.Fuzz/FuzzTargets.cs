using Gemma4.AI.Gguf;

namespace Gemma4.AI.Fuzz;

/// <summary>The fuzzed parsers. A new one (the projector preflight of issue 14) is one more line in <see cref="All"/>.</summary>
internal static class FuzzTargets
{
    private const string FileName = "fuzz-input.gguf";

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("gguf-preflight", GgufPreflight, [typeof(GgufFormatException), typeof(Gemma4ModelLoadException)], Seeds.WriteModels),
    ];

    public static FuzzTarget Find(string name) =>
        All.SingleOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"Unknown target '{name}'; targets: {string.Join(", ", All.Select(t => t.Name))}.", nameof(name));

    /// <summary>What <see cref="Gemma4GgufPreflight.Validate(string)"/> does with a file, from its bytes.</summary>
    private static void GgufPreflight(Stream input)
    {
        GgufFile file;
        try
        {
            file = GgufReader.Read(input, FileName);
        }
        catch (GgufFormatException e)
        {
            throw new Gemma4ModelLoadException(FileName, e.Message, e); // as Validate(path) reports it
        }

        Gemma4GgufPreflight.Validate(file, FileName);
    }
}
