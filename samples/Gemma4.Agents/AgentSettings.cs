using System.Globalization;

namespace Gemma4.Agents;

/// <summary>Command-line settings of the agents sample.</summary>
internal sealed class AgentSettings
{
    public const string Usage = """
        Usage: Gemma4.Agents [--demo] [--model FILE.gguf | --download NAME] [--folder DIR]
                             [--context N] [--max-tokens N] [--threads N] [--gpu-layers N] [--seed N]
        Runs the same tools (calculator, sample weather, read-only file listing) through a Semantic Kernel kernel and a
        Microsoft Agent Framework ChatClientAgent, with thinking off and on, and a question that invites parallel calls.
        The files tool lists --folder (hidden entries such as .git are never shown); without it, a temporary folder of
        sample files.
        """;

    public bool Demo { get; private set; }

    public string? ModelPath { get; set; }

    public string? Download { get; private set; }

    /// <summary>The folder the files tool lists; null for a temporary folder of sample files.</summary>
    public string? Folder { get; private set; }

    public int ContextSize { get; private set; } = 16_384;

    public int? MaxTokens { get; private set; }

    public int? Threads { get; private set; }

    public int GpuLayers { get; private set; }

    public long? Seed { get; private set; }

    public static AgentSettings? Parse(string[] args)
    {
        var s = new AgentSettings();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            try
            {
                switch (args[i])
                {
                    case "--demo": s.Demo = true; break;
                    case "--model" or "-m": s.ModelPath = Value(); break;
                    case "--download": s.Download = Value(); break;
                    case "--folder": s.Folder = Path.GetFullPath(Value()); break;
                    case "--context" or "-c": s.ContextSize = Int(); break;
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
            s.ContextSize = Math.Min(s.ContextSize, 4096);
            s.MaxTokens ??= 96; // room for a complete tool call in the tiny model's small vocabulary
            s.Threads ??= 1;
            s.Seed ??= 3;
        }

        return s;
    }
}
