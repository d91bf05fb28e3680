using System.Globalization;

namespace Gemma4.AI.Benchmarks.Options;

/// <summary>How long a run is: <see cref="Quick"/> (under 10 minutes on a 2-core machine), <see cref="Full"/> (numbers for the docs), <see cref="Tiny"/> (seconds, on the tiny model).</summary>
internal enum BenchmarkMode
{
    Quick,
    Full,
    Tiny,
}

/// <summary>Which generated random-weight model to run.</summary>
internal enum ModelShape
{
    E2B,
    E4B,
    Tiny,
}

/// <summary>Command-line settings of the benchmark program.</summary>
internal sealed class BenchmarkOptions
{
    public const string Usage = """
        Gemma4.AI benchmarks: our IChatClient against a native C loop over the same libllama.so.

        usage: Gemma4.AI.Benchmarks [--quick | --full | --tiny] [options]

          --quick                 every ratio in under 10 minutes on a 2-core machine (default)
          --full                  at least 10 clean pairs per ratio, 16K-token document (the numbers for the docs)
          --tiny                  the tiny model, a few seconds (smoke run)
          --shape e2b|e4b|tiny    the generated model shape (default e2b; tiny with --tiny)
          --model PATH            a GGUF file instead of a generated model
          --mmproj PATH           the projector of --model for the media figure (default: a generated one at the shape's size)
          --threads N             threads for generation and prompt processing (default: all cores)
          --flash-attn on|off|auto  flash attention on both sides (default on)
          --swa-full              keep the full sliding-window cache (default off as in llama.cpp; the library defaults to on)
          --gpu-layers N          layers to offload (-1 = all; default 0)
          --backend-module PATH   a ggml backend module to load first (e.g. libggml-cuda.so)
          --pairs N               pairs per ratio (overrides the mode)
          --streams LIST          comma-separated stream counts of the concurrency figure (default 4; e.g. 4,16 on a GPU)
          --tg-tokens N           generated tokens per tg measurement (overrides the mode)
          --doc-tokens N          document size of the turn-2 figure (overrides the mode)
          --only LIST             comma-separated figures: pp,tg,overhead,llamasharp,concurrent,ttft,restore,beside,embeddings,
                                  embeddings300m and media (--full only unless named),memory
          --max-other-cpu F       drop a rep when other processes took more than this share of the machine (default 0.05)
          --native-sample argmax|none  how the native loop picks tokens (default argmax; none = llama-bench style)
          --native-bin PATH       use this compiled native loop instead of compiling one
          --cc PATH               the C compiler (default $CC, else cc)
          --results FILE          also write the RESULT lines to FILE
          --verbose               print llama.cpp's logs of both sides
        """;

    public BenchmarkMode Mode { get; set; } = BenchmarkMode.Quick;

    public ModelShape? Shape { get; set; }

    public string? ModelPath { get; set; }

    /// <summary>The projector of <see cref="ModelPath"/> for the media figure (null: a generated one).</summary>
    public string? ProjectorPath { get; set; }

    public int Threads { get; set; } = Environment.ProcessorCount;

    public Gemma4FlashAttention FlashAttention { get; set; } = Gemma4FlashAttention.Enabled;

    public bool SwaFull { get; set; }

    public int GpuLayers { get; set; }

    public string? BackendModule { get; set; }

    public int? Pairs { get; set; }

    /// <summary>Stream counts of the concurrency figure (null: the mode's, 4).</summary>
    public IReadOnlyList<int>? Streams { get; set; }

    public int? TgTokens { get; set; }

    public int? DocTokens { get; set; }

    public IReadOnlySet<string>? Only { get; set; }

    public double MaxOtherCpu { get; set; } = 0.05;

    public bool NativeArgmax { get; set; } = true;

    public string? NativeBinary { get; set; }

    public string Compiler { get; set; } = Environment.GetEnvironmentVariable("CC") is { Length: > 0 } cc ? cc : "cc";

    public string? ResultsFile { get; set; }

    public bool Verbose { get; set; }

    /// <summary>The model shape in effect: the one asked for, else tiny for --tiny and E2B otherwise.</summary>
    public ModelShape EffectiveShape => Shape ?? (Mode == BenchmarkMode.Tiny ? ModelShape.Tiny : ModelShape.E2B);

    public static readonly string[] Figures = ["pp", "tg", "overhead", "llamasharp", "concurrent", "ttft", "restore", "beside", "embeddings", "embeddings300m", "media", "memory"];

    /// <summary>Figures too slow for <c>--quick</c>'s 10 minutes: run in <c>--full</c>, or when named in <c>--only</c>.</summary>
    private static readonly string[] FullOnly = ["embeddings300m", "media"];

    public bool Runs(string figure) => Only?.Contains(figure) ?? (Mode == BenchmarkMode.Full || !FullOnly.Contains(figure));

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> naming the bad argument.</summary>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new BenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{a} needs a value.");
            int Int() => int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"{a} needs an integer.");

            switch (a)
            {
                case "--quick": o.Mode = BenchmarkMode.Quick; break;
                case "--full": o.Mode = BenchmarkMode.Full; break;
                case "--tiny": o.Mode = BenchmarkMode.Tiny; break;
                case "--shape":
                    o.Shape = Value() switch
                    {
                        "e2b" => ModelShape.E2B,
                        "e4b" => ModelShape.E4B,
                        "tiny" => ModelShape.Tiny,
                        var s => throw new ArgumentException($"--shape must be e2b, e4b or tiny; got '{s}'."),
                    };
                    break;
                case "--model": o.ModelPath = Value(); break;
                case "--mmproj": o.ProjectorPath = Value(); break;
                case "--threads": o.Threads = Positive(a, Int()); break;
                case "--flash-attn":
                    o.FlashAttention = Value() switch
                    {
                        "on" => Gemma4FlashAttention.Enabled,
                        "off" => Gemma4FlashAttention.Disabled,
                        "auto" => Gemma4FlashAttention.Auto,
                        var s => throw new ArgumentException($"--flash-attn must be on, off or auto; got '{s}'."),
                    };
                    break;
                case "--swa-full": o.SwaFull = true; break;
                case "--gpu-layers": o.GpuLayers = Int() is var g and >= -1 ? g : throw new ArgumentException("--gpu-layers must be -1 or more."); break;
                case "--backend-module": o.BackendModule = Value(); break;
                case "--pairs": o.Pairs = Positive(a, Int()); break;
                case "--streams":
                    var counts = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    o.Streams = counts.Length > 0
                        ? [.. counts.Select(c => int.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 2 and <= 256
                            ? n : throw new ArgumentException($"--streams takes stream counts from 2 to 256; got '{c}'.")).Distinct().Order()]
                        : throw new ArgumentException("--streams needs at least one stream count.");
                    break;
                case "--tg-tokens": o.TgTokens = Positive(a, Int()); break;
                case "--doc-tokens": o.DocTokens = Positive(a, Int()); break;
                case "--only":
                    var only = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
                    if (only.FirstOrDefault(f => !Figures.Contains(f)) is { } bad)
                    {
                        throw new ArgumentException($"--only: unknown figure '{bad}'; use {string.Join(',', Figures)}.");
                    }

                    o.Only = only;
                    break;
                case "--max-other-cpu":
                    o.MaxOtherCpu = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f > 0
                        ? f : throw new ArgumentException("--max-other-cpu needs a positive fraction such as 0.05.");
                    break;
                case "--native-sample":
                    o.NativeArgmax = Value() switch
                    {
                        "argmax" => true,
                        "none" => false,
                        var s => throw new ArgumentException($"--native-sample must be argmax or none; got '{s}'."),
                    };
                    break;
                case "--native-bin": o.NativeBinary = Value(); break;
                case "--cc": o.Compiler = Value(); break;
                case "--results": o.ResultsFile = Value(); break;
                case "--verbose": o.Verbose = true; break;
                default: throw new ArgumentException($"Unknown argument '{a}'.");
            }
        }

        return o;
    }

    private static int Positive(string name, int value) =>
        value >= 1 ? value : throw new ArgumentException($"{name} must be at least 1.");
}
