using System.Globalization;

namespace Gemma4.Rag;

/// <summary>How the documents reach the prompt.</summary>
internal enum RagMode
{
    /// <summary>Whole documents, most relevant first, until the context budget is used (Gemma 4's long context).</summary>
    Stuff,

    /// <summary>The top-k chunks most similar to each question.</summary>
    Retrieve,
}

/// <summary>Command-line settings of the RAG sample.</summary>
internal sealed class RagSettings
{
    public const string Usage = """
        Usage: Gemma4.Rag [--demo] [--docs FOLDER] [--db FILE] [--mode stuff|retrieve] [--question TEXT]...
                          [--model FILE.gguf | --download NAME] [--embedding-model FILE.gguf]
                          [--context N] [--top-k N] [--max-tokens N] [--threads N] [--gpu-layers N] [--seed N]
        Questions come from --question, else one per line on standard input (Ctrl+D ends).
        Without --model, NAME (default gemma-4-e2b) and EmbeddingGemma are downloaded once into the model cache.
        """;

    public bool Demo { get; private set; }

    public string? DocumentsFolder { get; set; }

    public string? DatabasePath { get; set; }

    public RagMode Mode { get; private set; } = RagMode.Stuff;

    public List<string> Questions { get; } = [];

    public string? ModelPath { get; set; }

    public string? Download { get; private set; }

    public string? EmbeddingModelPath { get; set; }

    public int ContextSize { get; private set; } = 131_072;

    public int TopK { get; private set; } = 4;

    public int? MaxTokens { get; private set; }

    public int? Threads { get; private set; }

    public int GpuLayers { get; private set; }

    public long? Seed { get; private set; }

    /// <summary>Longest embedding input in tokens; null uses EmbeddingGemma's 2048.</summary>
    public int? EmbeddingBatchSize { get; private set; }

    public static RagSettings? Parse(string[] args)
    {
        var s = new RagSettings();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            try
            {
                switch (args[i])
                {
                    case "--demo": s.Demo = true; break;
                    case "--docs": s.DocumentsFolder = Value(); break;
                    case "--db": s.DatabasePath = Value(); break;
                    case "--mode": s.Mode = Enum.Parse<RagMode>(Value(), ignoreCase: true); break;
                    case "--question" or "-q": s.Questions.Add(Value()); break;
                    case "--model" or "-m": s.ModelPath = Value(); break;
                    case "--download": s.Download = Value(); break;
                    case "--embedding-model": s.EmbeddingModelPath = Value(); break;
                    case "--context" or "-c": s.ContextSize = Int(); break;
                    case "--top-k": s.TopK = Int(); break;
                    case "--max-tokens": s.MaxTokens = Int(); break;
                    case "--threads" or "-t": s.Threads = Int(); break;
                    case "--gpu-layers": s.GpuLayers = Int(); break;
                    case "--seed": s.Seed = long.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--help" or "-h": Console.WriteLine(Usage); return null;
                    default: throw new ArgumentException($"Unknown argument '{args[i]}'. Try --help.");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
            {
                Console.Error.WriteLine(ex.Message);
                return null;
            }
        }

        if (s.Demo)
        {
            // Tiny models: a small context and short answers keep the demo quick; a small embedding window makes the
            // long demo document exercise chunking.
            s.ContextSize = Math.Min(s.ContextSize, 8192);
            s.MaxTokens ??= 24;
            s.Threads ??= 1;
            s.Seed ??= 7;
            s.EmbeddingBatchSize = 256;
        }

        return s;
    }
}
