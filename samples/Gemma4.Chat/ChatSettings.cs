using System.Globalization;

namespace Gemma4.Chat;

/// <summary>Command-line settings of the chat sample.</summary>
internal sealed class ChatSettings
{
    public const string NoModelHelp = """
        No model given. Run with --model path/to/model.gguf (and --mmproj path/to/mmproj.gguf for images and
        audio), --download NAME to fetch a model and its projector from Hugging Face (once, into the local model
        cache), or --demo for a tiny random-weight model.

        Gemma 4 GGUF files are on Hugging Face, for example:
          ggml-org/gemma-4-E2B-it-GGUF   (about 3 GB at Q4; runs on a laptop CPU):  --download gemma-4-e2b
          ggml-org/gemma-4-E4B-it-GGUF   (about 5 GB at Q4):                        --download gemma-4-e4b
          ggml-org/gemma-4-31B-it-GGUF   (about 19 GB at Q4; needs a large GPU):    --download gemma-4-31b
        Read the Gemma terms on the model page first.
        """;

    public string? ModelPath { get; set; }

    public string? ProjectorPath { get; set; }

    public bool Demo { get; private set; }

    public string? Download { get; private set; }

    public int ContextSize { get; private set; } = 8192;

    public int? Threads { get; private set; }

    public int GpuLayers { get; private set; }

    public float? Temperature { get; private set; }

    public int? MaxTokens { get; private set; }

    public long? Seed { get; private set; }

    public string? System { get; private set; }

    public bool Think { get; private set; }

    public static ChatSettings? Parse(string[] args)
    {
        var s = new ChatSettings();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--model" or "-m": s.ModelPath = Value(); break;
                    case "--mmproj": s.ProjectorPath = Value(); break;
                    case "--demo": s.Demo = true; break;
                    case "--download": s.Download = Value(); break;
                    case "--context" or "-c": s.ContextSize = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--threads" or "-t": s.Threads = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--gpu-layers": s.GpuLayers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--temperature": s.Temperature = float.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--max-tokens": s.MaxTokens = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--seed": s.Seed = long.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--system": s.System = Value(); break;
                    case "--think": s.Think = true; break;
                    case "--help" or "-h":
                        Console.WriteLine("Usage: Gemma4.Chat (--model FILE.gguf [--mmproj FILE.gguf] | --download NAME | --demo) [--context N] [--threads N] [--gpu-layers N] [--temperature T] [--max-tokens N] [--seed N] [--system TEXT] [--think]");
                        Console.WriteLine("  --mmproj: the model's projector, for images and audio (--download fetches it with the model).");
                        Console.WriteLine("  In the chat: " + Attachments.Help);
                        return null;
                    default:
                        throw new ArgumentException($"Unknown argument '{args[i]}'. Try --help.");
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
            // Random weights ramble forever: keep demo answers short.
            s.MaxTokens ??= 48;
            s.Threads ??= 1;
            s.Seed ??= 1; // the same answers on every run, so the README's transcript is what a newcomer sees
        }

        return s;
    }
}
