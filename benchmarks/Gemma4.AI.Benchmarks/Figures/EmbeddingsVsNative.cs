using System.Collections.Concurrent;
using System.Globalization;
using Gemma4.AI.Benchmarks.Embeddings;
using Gemma4.AI.Benchmarks.Measurement;
using Gemma4.AI.Benchmarks.Native;
using Gemma4.AI.Native;

namespace Gemma4.AI.Benchmarks.Figures;

/// <summary>
/// Short texts embedded by <see cref="Gemma4EmbeddingGenerator"/> vs the native embedding loop
/// (native/llama_embed_loop.c) over the same libllama.so: the same texts, tokenized, packed into the same decodes,
/// pooled and normalised the same way, with the settings our engine runs with (read from it). <c>RESULT
/// ratio.embeddings_vs_native</c> = our texts/s / native texts/s, at the benchmark's thread count.
/// </summary>
/// <remarks>
/// Our side is timed by the caller around <c>GenerateAsync</c> (tokenizing, queueing, the engine thread's decodes,
/// copies and normalisation included); the native side times its own tokenize-pack-decode-pool-normalise pass. Every
/// rep checks that both sides decoded the same tokens in the same number of decodes, and at the end every vector of the
/// last rep is compared with the native loop's, bit for bit. Each side's process CPU time is recorded too
/// (<c>ratio.embeddings_vs_native.cpu</c>, native CPU / ours): on a busy machine it moves far less than wall time,
/// though at more than one thread it also counts the time OpenMP barriers spin.
/// </remarks>
internal static class EmbeddingsVsNative
{
    /// <summary>Runs the comparison on an already loaded embedding model.</summary>
    /// <param name="ctx">The benchmark.</param>
    /// <param name="figure">The figure's name (embeddings, embeddings300m), prefix of its CHECK lines.</param>
    /// <param name="model">The embedding model.</param>
    /// <param name="modelLog">llama.cpp's log lines of the model's load; the generator's context lines are added here.</param>
    /// <param name="inputs">The texts.</param>
    /// <param name="ratioName">The RESULT name of the ratio.</param>
    /// <param name="tpsPrefix">Prefix of the absolute figures (.ours, .native).</param>
    public static async Task RunAsync(
        BenchmarkContext ctx, string figure, Gemma4Model model, ConcurrentQueue<string> modelLog, string[] inputs, string ratioName, string tpsPrefix)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(modelLog);
        ArgumentNullException.ThrowIfNull(inputs);
        var sink = ctx.Sink;
        var threads = ctx.Options.Threads;
        Gemma4EmbeddingGenerator ours;
        using (NativeLogging.AddListener((_, line) => modelLog.Enqueue(line)))
        {
            ours = new Gemma4EmbeddingGenerator(model, new Gemma4EmbeddingGeneratorOptions
            {
                BatchSize = EmbeddingsFigure.Batch,
                MaxParallelSequences = 64,
                Threads = threads,
                Normalize = true,
            });
        }

        using var generator = ours;
        var engine = ours.Engine.Settings;
        var settings = new NativeEmbedSettings(
            model.ModelPath, engine.Threads, engine.BatchSize, engine.PackTokens, engine.MaxSequences, engine.FlashAttention, engine.Pooling,
            ctx.Options.GpuLayers, ctx.Options.BackendModule is { } m ? Path.GetFullPath(m) : null, Normalize: true);
        sink.Info(string.Create(CultureInfo.InvariantCulture,
            $"{figure} vs native: {inputs.Length} texts, {threads} threads, batch {engine.BatchSize}, {engine.PackTokens} tokens and {engine.MaxSequences} sequences per decode, pooling {engine.Pooling}, {ctx.Plan.TgPairs} pairs wanted"));

        NativeEmbedLoop native;
        try
        {
            var binary = NativeLoopBuilder.Build(ctx.Options.Compiler, NativeLoopBuilder.LoadedLibraryDirectory(), NativeEmbedLoop.ProgramName);
            sink.Info($"native embedding loop standalone: {binary} {string.Join(' ', NativeEmbedLoop.Arguments(settings))} --texts FILE -r 5");
            native = await NativeEmbedLoop.StartAsync(binary, settings, ctx.Options.Verbose, ctx.CancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or PlatformNotSupportedException or IOException or TimeoutException)
        {
            sink.Note($"{figure}: native embedding loop unavailable, {ratioName} is NaN: {ex.Message}");
            sink.Result(ratioName, double.NaN);
            return;
        }

        using var loop = native;
        using var countNative = ctx.Monitor.CountAsOurs(loop.Process.ProcessId);
        SetupComparison.CheckLayouts(loop.Process, sink, $"{figure}.native.struct_layout_matches_llamasharp");
        SetupComparison.CheckReportedSettings(modelLog, loop.Process.LogLines, sink, $"{figure}.native.same_llamacpp_settings");
        await loop.SetInputsAsync(inputs);

        var ourCpu = new Dictionary<int, double>();
        IReadOnlyList<(string Name, int Threads, double Milliseconds)> ourThreads = [];
        var nativeCpu = new Dictionary<int, double>();
        var sameWork = true;
        long lastTokens = 0;
        int lastDecodes = 0;
        float[][]? ourVectors = null;

        async Task<SideValue> Ours(int rep)
        {
            var before = ours.Engine.DecodeCount;
            var threadsBefore = ThreadCpu.Take();
            var cpu = Environment.CpuUsage.TotalTime;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = await ours.GenerateAsync(inputs, cancellationToken: ctx.CancellationToken);
            clock.Stop();
            ourCpu[rep] = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds;
            ourThreads = ThreadCpu.Between(threadsBefore, ThreadCpu.Take());
            var decodes = ours.Engine.DecodeCount - before;
            var tokens = result.Usage?.InputTokenCount ?? 0;
            if (lastDecodes > 0 && (decodes != lastDecodes || tokens != lastTokens))
            {
                sameWork = false;
            }

            ourVectors = [.. result.Select(e => e.Vector.ToArray())];
            return new SideValue(inputs.Length / clock.Elapsed.TotalSeconds, result.Count == inputs.Length,
                string.Create(CultureInfo.InvariantCulture, $"{tokens} tokens, {decodes} decodes, CPU {ourCpu[rep]:F0} ms"));
        }

        async Task<SideValue> Native(int rep)
        {
            var e = await loop.EmbedAsync();
            lastTokens = e.Tokens;
            lastDecodes = e.Decodes;
            nativeCpu[rep] = e.CpuMicroseconds / 1e3;
            return new SideValue(e.Inputs / (e.Microseconds / 1e6), e.Inputs == inputs.Length,
                string.Create(CultureInfo.InvariantCulture, $"{e.Tokens} tokens, {e.Decodes} decodes, CPU {nativeCpu[rep]:F0} ms"));
        }

        // Warm-up: JIT, page the weights in, grow the native buffers.
        await Native(-1);
        await Ours(-1);
        var outcome = await ctx.Runner.RunAsync($"{figure} vs native", ctx.Plan.TgPairs, alternate: true, Native, Ours, (n, o) => o / n, ("native", "ours", "texts/s"));
        sink.Result(ratioName, outcome.Ratio.Median);
        sink.Result($"{tpsPrefix}.ours", outcome.B.Median);
        sink.Result($"{tpsPrefix}.native", outcome.A.Median);
        sink.Spread(ratioName, outcome.Ratio, outcome.Detail);
        sink.Info(string.Create(CultureInfo.InvariantCulture,
            $"{figure} vs native: CPU by thread of this process during our last rep: {string.Join(", ", ourThreads.Select(t => $"'{t.Name}' x{t.Threads} {t.Milliseconds:F0} ms"))}"));
        var used = outcome.Pairs.Where(p => p.Valid && (outcome.UsedContaminated || !p.Contaminated)).Select(p => p.Index).ToList();
        var cpuRatio = Summary.Of(used.Select(i => nativeCpu[i] / ourCpu[i]));
        sink.Result($"{ratioName}.cpu", cpuRatio.Median);
        sink.Spread($"{ratioName}.cpu", cpuRatio, string.Create(CultureInfo.InvariantCulture,
            $"(process CPU ms per rep, native / ours; medians {Summary.Of(used.Select(i => nativeCpu[i])).Median:F0} / {Summary.Of(used.Select(i => ourCpu[i])).Median:F0})"));
        sink.Check($"{figure}.same_batches_as_native", sameWork,
            string.Create(CultureInfo.InvariantCulture, $"({lastTokens} tokens in {lastDecodes} decodes on both sides, every rep)"));

        // The last rep of each side ran last with these inputs: compare every vector.
        var bitwise = 0;
        var worst = 1.0;
        for (var i = 0; i < inputs.Length; i++)
        {
            var theirs = await loop.VectorAsync(i);
            bitwise += theirs.AsSpan().SequenceEqual(ourVectors![i]) ? 1 : 0;
            worst = Math.Min(worst, VectorMath.Cosine(theirs, ourVectors[i]));
        }

        sink.Check($"{figure}.same_vectors_as_native", worst > 0.999999,
            string.Create(CultureInfo.InvariantCulture, $"({bitwise} of {inputs.Length} vectors bit for bit identical; lowest cosine {worst:F9})"));
    }
}
