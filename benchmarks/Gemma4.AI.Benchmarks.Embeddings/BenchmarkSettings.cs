using System.Globalization;

namespace Gemma4.AI.Benchmarks.Embeddings;

/// <summary>Command-line settings of the embedding benchmark.</summary>
internal sealed record BenchmarkSettings(string Model, string? Path, int Texts, int Reps, int Threads, int Batch, int Sequences, string Flash, string Side, bool Sentences)
{
    public static BenchmarkSettings Parse(string[] args)
    {
        var s = new BenchmarkSettings("embedding", null, 1000, 7, 1, 512, 64, "auto", "both", false);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            s = args[i] switch
            {
                "--model" => s with { Model = value is "embedding" or "gemma4" ? value : throw Bad(args[i], value, "embedding or gemma4") },
                "--path" => s with { Path = value },
                "--texts" => s with { Texts = Int(args[i], value) },
                "--reps" => s with { Reps = Int(args[i], value) },
                "--threads" => s with { Threads = Int(args[i], value) },
                "--batch" => s with { Batch = Int(args[i], value) },
                "--sequences" => s with { Sequences = Int(args[i], value) },
                "--flash" => s with { Flash = value is "auto" or "on" or "off" ? value : throw Bad(args[i], value, "auto, on or off") },
                "--texts-kind" => s with { Sentences = value is "sentence" || (value is "short" ? false : throw Bad(args[i], value, "short or sentence")) },
                "--side" => s with { Side = value is "both" or "ours" or "theirs" ? value : throw Bad(args[i], value, "both, ours or theirs") },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        return s;
    }

    private static int Int(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw Bad(name, value, "a positive integer");

    private static ArgumentException Bad(string name, string value, string expected) => new($"{name} must be {expected}; got '{value}'.");
}
