using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Support;

/// <summary>Settings and requests for hosting tests on the generated tiny models (1 thread, small context).</summary>
internal static class HostingModels
{
    public static string ChatModelPath => TestModels.TestModels.Gemma4();

    public static string EmbeddingModelPath => TestModels.TestModels.GemmaEmbedding();

    /// <summary>A <c>Gemma4</c> configuration section for the tiny chat model.</summary>
    public static Dictionary<string, string?> Configuration(string section = "Gemma4", string? modelPath = null, int parallel = 4) => new()
    {
        [$"{section}:ModelPath"] = modelPath ?? ChatModelPath,
        [$"{section}:ContextSize"] = "2048",
        [$"{section}:Threads"] = "1",
        [$"{section}:BatchSize"] = "512",
        [$"{section}:MicroBatchSize"] = "512",
        [$"{section}:MaxParallelSequences"] = parallel.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"{section}:Embeddings:Threads"] = "1",
    };

    /// <summary>The same settings in code.</summary>
    public static void Configure(Gemma4ModelOptions options, string? modelPath = null)
    {
        options.ModelPath = modelPath ?? ChatModelPath;
        options.ContextSize = 2048;
        options.Threads = 1;
        options.BatchSize = 512;
        options.MicroBatchSize = 512;
        options.MaxParallelSequences = 4;
    }

    /// <summary>Options whose grammar forces the answer to be exactly <paramref name="text"/> (random weights answer noise otherwise).</summary>
    public static ChatOptions Forcing(string text) => new()
    {
        MaxOutputTokens = 64,
        Temperature = 0,
        RawRepresentationFactory = _ => new Gemma4GenerationOptions { Grammar = $"root ::= \"{text}\"" },
    };
}
