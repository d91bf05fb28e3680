using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Gemma4.AI.Benchmarks.Figures;
using Gemma4.AI.Benchmarks.Measurement;
using Gemma4.AI.Benchmarks.Native;
using Gemma4.AI.Benchmarks.Options;
using Gemma4.AI.Native;
using Gemma4.AI.TestModels;

namespace Gemma4.AI.Benchmarks;

/// <summary>The benchmark run: load both sides with the same settings, then measure each figure as paired reps.</summary>
internal static class BenchmarkProgram
{
    private static readonly (string Name, Func<BenchmarkContext, Task> Run)[] Figures =
    [
        ("pp", PromptProcessingFigure.RunAsync),
        ("tg", GenerationFigure.RunAsync),
        ("concurrent", ConcurrencyFigure.RunAsync),
        ("ttft", TurnTwoFigure.RunAsync),
        ("restore", PersistentCacheFigure.RunAsync),
        ("overhead", OverheadFigure.RunAsync),
        ("beside", BesideEmbeddingsFigure.RunAsync),
        ("embeddings", EmbeddingsFigure.RunAsync),
        ("embeddings300m", EmbeddingsFigure.RunRealShapeAsync),
        ("media", MediaFigure.RunAsync),
        ("memory", MemoryFigure.RunAsync),

        // Last: LLamaSharp decodes on thread-pool threads, each of which then keeps an OpenMP team (see OwnThread).
        ("llamasharp", LLamaSharpFigure.RunAsync),
    ];

    /// <summary>Runs the benchmarks; returns the process exit code (0 ok, 1 a figure failed, 2 bad arguments).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args.Contains("--help") || args.Contains("-h"))
        {
            output.WriteLine(BenchmarkOptions.Usage);
            return 0;
        }

        BenchmarkOptions options;
        try
        {
            options = BenchmarkOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            output.WriteLine($"error: {ex.Message}");
            output.WriteLine(BenchmarkOptions.Usage);
            return 2;
        }

        var sink = new ResultSink(output);
        var (exitCode, _) = await RunAsync(options, sink, cancellationToken);
        return exitCode;
    }

    /// <summary>Runs with parsed options into <paramref name="sink"/>; also used by the smoke test.</summary>
    public static async Task<(int ExitCode, TimeSpan Elapsed)> RunAsync(BenchmarkOptions options, ResultSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        var clock = Stopwatch.StartNew();
        var plan = BenchmarkPlan.For(options);
        sink.Info($"machine: {MachineInfo.Describe()}");
        sink.Info($"command: Gemma4.AI.Benchmarks {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}");
        sink.Info($"mode {options.Mode}, shape {options.EffectiveShape}, threads {options.Threads}, plan {plan}");

        if (options.BackendModule is { } module)
        {
            foreach (var device in BackendModules.Load(module))
            {
                sink.Info($"device: {device}");
            }
        }

        var modelPath = ResolveModel(options, sink);
        var modelOptions = new Gemma4ModelOptions
        {
            ModelPath = modelPath,
            ProjectorPath = options.Runs("media") ? ResolveProjector(options, sink) : null, // only the media figure encodes
            ContextSize = plan.ContextSize,
            Threads = options.Threads,
            BatchThreads = options.Threads,
            BatchSize = 2048,
            MicroBatchSize = 512,
            MaxParallelSequences = plan.Streams,
            GpuLayerCount = options.GpuLayers,
            MainGpu = 0,
            SplitMode = Gemma4GpuSplitMode.Layer,
            FlashAttention = options.FlashAttention,
            KeyCacheType = Gemma4KvCacheType.F16,
            ValueCacheType = Gemma4KvCacheType.F16,
            SwaFull = options.SwaFull,
            UseMemoryMap = true,
        };

        var ourLog = new ConcurrentQueue<string>();
        Gemma4Model model;
        var load = Stopwatch.StartNew();
        using (NativeLogging.AddListener((_, line) =>
        {
            ourLog.Enqueue(line);
            if (options.Verbose)
            {
                Console.Error.WriteLine($"[dotnet] {line}");
            }
        }))
        {
            model = await Gemma4Model.LoadAsync(modelOptions, cancellationToken: cancellationToken);
        }

        using (model)
        using (var client = new Gemma4ChatClient(model))
        {
            sink.Info(string.Create(CultureInfo.InvariantCulture,
                $"loaded {model.ModelId} ({model.Quantization}, {model.FileSizeBytes / 1048576.0:F0} MiB, vocabulary {model.VocabularySize}) in {load.Elapsed.TotalSeconds:F1} s; context {model.ContextSize}, {plan.Streams} sequences"));
            using var native = await StartNativeAsync(options, plan, modelPath, sink, ourLog, cancellationToken);
            var monitor = new CpuMonitor();
            using var countNative = native is null ? null : monitor.CountAsOurs(native.ProcessId);
            if (!CpuMonitor.IsSupported)
            {
                sink.Note("no /proc/stat: other processes' CPU cannot be measured, no rep is dropped");
            }

            var context = new BenchmarkContext(options, plan, modelOptions, model, client, native, sink, monitor, ourLog, cancellationToken);
            var exitCode = native is null ? 1 : 0;
            foreach (var (name, run) in Figures)
            {
                if (!options.Runs(name))
                {
                    continue;
                }

                var figureClock = Stopwatch.StartNew();
                try
                {
                    await run(context);
                }
#pragma warning disable CA1031 // One failed figure is reported and the others still run.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    sink.Note($"{name} failed: {ex.GetType().Name}: {ex.Message}");
                    sink.Info(ex.ToString());
                    exitCode = 1;
                }

                sink.Info(string.Create(CultureInfo.InvariantCulture, $"{name} took {figureClock.Elapsed.TotalSeconds:F0} s"));
            }

            sink.Info(string.Create(CultureInfo.InvariantCulture, $"total {clock.Elapsed.TotalSeconds:F0} s"));
            if (options.Mode == BenchmarkMode.Quick && clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                sink.Note("quick mode took longer than 10 minutes (a busy machine, or a slower one than the 2-core reference)");
            }

            sink.Info("summary:");
            foreach (var line in sink.ResultLines)
            {
                sink.Info(line);
            }

            if (options.ResultsFile is { } file)
            {
                await File.WriteAllLinesAsync(file, sink.ResultLines, cancellationToken);
            }

            return (exitCode, clock.Elapsed);
        }
    }

    private static string ResolveModel(BenchmarkOptions options, ResultSink sink)
    {
        if (options.ModelPath is { } path)
        {
            return path;
        }

        var spec = options.EffectiveShape switch
        {
            ModelShape.E2B => TinyModelSpec.Gemma4E2B,
            ModelShape.E4B => TinyModelSpec.Gemma4E4B,
            _ => TinyModelSpec.Default,
        };
        var clock = Stopwatch.StartNew();
        var file = TestModels.TestModels.GetOrCreate(TestModelKind.Gemma4, spec);
        sink.Info(string.Create(CultureInfo.InvariantCulture,
            $"model: random-weight {options.EffectiveShape}-shaped {spec.WeightType} ({file}, ready in {clock.Elapsed.TotalSeconds:F1} s)"));
        return file;
    }

    /// <summary>The projector of the media figure: --mmproj, or a random-weight one at the real E2B encoders' shape (the tiny one for --shape tiny).</summary>
    private static string ResolveProjector(BenchmarkOptions options, ResultSink sink)
    {
        if (options.ProjectorPath is { } path)
        {
            return path;
        }

        if (options.ModelPath is not null)
        {
            throw new ArgumentException("--model with the media figure needs --mmproj, the model's projector.");
        }

        // E2B and E4B share their vision and audio encoders; only the projection width (the text model's) differs.
        var (projector, model) = options.EffectiveShape switch
        {
            ModelShape.E2B => (TinyProjectorSpec.Gemma4E2B, TinyModelSpec.Gemma4E2B),
            ModelShape.E4B => (TinyProjectorSpec.Gemma4E2B, TinyModelSpec.Gemma4E4B),
            _ => (TinyProjectorSpec.Default, TinyModelSpec.Default),
        };
        var clock = Stopwatch.StartNew();
        var file = TestModels.TestModels.Projector(projector, model);
        sink.Info(string.Create(CultureInfo.InvariantCulture,
            $"projector: random-weight {(projector == TinyProjectorSpec.Default ? "tiny" : "E2B-shaped")} {projector.WeightType} ({file}, ready in {clock.Elapsed.TotalSeconds:F1} s)"));
        return file;
    }

    private static async Task<NativeLoop?> StartNativeAsync(
        BenchmarkOptions options, BenchmarkPlan plan, string modelPath, ResultSink sink, IReadOnlyCollection<string> ourLog, CancellationToken cancellationToken)
    {
        NativeLoop? native = null;
        try
        {
            var libraryDirectory = NativeLoopBuilder.LoadedLibraryDirectory();
            var binary = options.NativeBinary ?? NativeLoopBuilder.Build(options.Compiler, libraryDirectory, NativeLoop.ProgramName);
            var settings = new NativeLoopSettings(
                modelPath, options.Threads, plan.ContextSize, 2048, 512, plan.Streams, options.FlashAttention, options.SwaFull,
                options.GpuLayers, options.BackendModule is { } m ? Path.GetFullPath(m) : null, options.NativeArgmax);
            sink.Info($"native loop: {binary} (against {libraryDirectory}/libllama.so)");
            sink.Info($"native loop standalone: {binary} {string.Join(' ', NativeLoop.Arguments(settings).Where(a => a is not "--serve" and not "--log-all"))} -p {plan.PpTokens} -n {plan.TgTokens}");
            native = await NativeLoop.StartAsync(binary, settings, options.Verbose, cancellationToken);
            foreach (var line in native.Process.Banner)
            {
                sink.Info($"native: {line}");
            }

            if (!SetupComparison.CheckLayouts(native.Process, sink))
            {
                sink.Note("the native loop's struct declarations do not match this libllama.so; native figures are NaN");
                native.Dispose();
                return null;
            }

            // The projector's compute buffers (clip's "reserve_compute_meta" lines, media figure only): the text loop loads none.
            SetupComparison.CheckReportedSettings([.. ourLog.Where(l => !l.StartsWith("reserve_compute_meta", StringComparison.Ordinal))], native.Process.LogLines, sink);
            return native;
        }
        catch (Exception ex) when (ex is InvalidOperationException or PlatformNotSupportedException or IOException or TimeoutException)
        {
            native?.Dispose();
            sink.Note($"native loop unavailable, native figures are NaN: {ex.Message}");
            return null;
        }
    }
}
