using Gemma4.AI.Gguf;

namespace Gemma4.AI.Fuzz;

/// <summary>The fuzzed parsers; a new one is one more line in <see cref="All"/>.</summary>
internal static class FuzzTargets
{
    private const string FileName = "fuzz-input.gguf";

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("gguf-preflight", GgufPreflight, [typeof(GgufFormatException), typeof(Gemma4ModelLoadException)], Seeds.WriteModels),
        new("projector-preflight", ProjectorPreflight, [typeof(GgufFormatException), typeof(Gemma4ModelLoadException)], Seeds.WriteProjectors),
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

    /// <summary>
    /// What <see cref="Multimodal.ProjectorPreflight.Validate(string, int, int)"/> does with a projector file loaded over a
    /// text model as wide as the seeds' (<see cref="Seeds.ProjectorTextWidth"/>) with an image budget of
    /// <see cref="Seeds.ProjectorImageTokens"/> tokens.
    /// </summary>
    private static void ProjectorPreflight(Stream input)
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

        Multimodal.ProjectorPreflight.Validate(file, FileName, Seeds.ProjectorTextWidth, Seeds.ProjectorImageTokens);
    }
}
