using System.Collections.Concurrent;
using System.Globalization;
using Gemma4.AI.Benchmarks.Embeddings;
using Gemma4.AI.Benchmarks.Measurement;
using Gemma4.AI.Native;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Gemma4.AI.Benchmarks.Figures;

/// <summary>
/// Short texts embedded by <see cref="Gemma4EmbeddingGenerator"/> (one persistent context, inputs packed into shared
/// decodes), first against the native embedding loop (<see cref="EmbeddingsVsNative"/>: <c>RESULT
/// ratio.embeddings_vs_native</c>, the figure that counts), then against LLamaSharp's <c>LLamaEmbedder</c> (a context
/// per text; one thread each; a diagnostic). <c>embeddings</c>: 1,000 texts (200 in <c>--tiny</c>) on the tiny
/// generated <c>gemma-embedding</c> model, <c>RESULT ratio.embeddings_vs_llamaembedder</c> (our texts/s / theirs).
/// <c>embeddings300m</c> (<c>--full</c>, or asked for by name): a tenth as many texts on a random-weight model of
/// EmbeddingGemma 300M's real shape, the same figures suffixed <c>.embeddinggemma300m</c>.
/// </summary>
/// <remarks>
/// Both sides do the same model arithmetic per token, so the LLamaEmbedder ratio is bounded by what LLamaEmbedder
/// spends outside it (a context per call, one text per decode); the native loop shows what is left for us to lose.
/// </remarks>
internal static class EmbeddingsFigure
{
    /// <summary>The generators' batch (largest input) on both comparisons.</summary>
    public const int Batch = 512;

    /// <summary>The tiny model: the figure the issue names.</summary>
    public static Task RunAsync(BenchmarkContext ctx) =>
        MeasureAsync(ctx, "embeddings", TestModels.TestModels.GemmaEmbedding(), "tiny gemma-embedding", ctx.Plan.EmbeddingTexts, string.Empty, "tps.embeddings");

    /// <summary>EmbeddingGemma 300M's shape (generated on first use, ~330 MB).</summary>
    public static Task RunRealShapeAsync(BenchmarkContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var path = TestModels.TestModels.GemmaEmbedding(TestModels.TinyModelSpec.EmbeddingGemma300M);
        ctx.Sink.Info(string.Create(CultureInfo.InvariantCulture, $"embeddings300m: model ready in {clock.Elapsed.TotalSeconds:F1} s"));
        return MeasureAsync(ctx, "embeddings300m", path, "EmbeddingGemma-300M-shaped Q8_0", ctx.Plan.EmbeddingTexts / 10, ".embeddinggemma300m", "tps.embeddings300m");
    }

    private static async Task MeasureAsync(BenchmarkContext ctx, string figure, string path, string modelLabel, int texts, string suffix, string tpsPrefix)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var sink = ctx.Sink;
        var inputs = ShortTexts.Create(texts, sentences: false);
        var modelLog = new ConcurrentQueue<string>();
        Gemma4Model model;
        using (NativeLogging.AddListener((_, line) => modelLog.Enqueue(line)))
        {
            model = await Gemma4Model.LoadAsync(new Gemma4ModelOptions
            {
                ModelPath = path,
                Threads = 1,
                BatchThreads = 1,
                ContextSize = 256,
                BatchSize = 256,
                MicroBatchSize = 256,
                MaxParallelSequences = 1,
                UseMemoryMap = true,
                FlashAttention = Gemma4FlashAttention.Auto,
                GpuLayerCount = ctx.Options.GpuLayers,
            }, cancellationToken: ctx.CancellationToken);
        }

        using (model)
        {
            await EmbeddingsVsNative.RunAsync(ctx, figure, model, modelLog, inputs, "ratio.embeddings_vs_native" + suffix, tpsPrefix + ".vs_native");
            if (ctx.Options.GpuLayers != 0)
            {
                // A context per text on a GPU costs device time a GPU session does not have, for a diagnostic.
                sink.Note($"{figure}: the LLamaEmbedder diagnostic is skipped with GPU layers");
            }
            else
            {
                await CompareWithLLamaEmbedderAsync(ctx, figure, model, modelLabel, inputs, "ratio.embeddings_vs_llamaembedder" + suffix, tpsPrefix + ".texts");
            }
        }
    }

    private static async Task CompareWithLLamaEmbedderAsync(BenchmarkContext ctx, string figure, Gemma4Model model, string modelLabel, string[] inputs, string ratioName, string tpsPrefix)
    {
        var sink = ctx.Sink;
        var path = model.ModelPath;
        var texts = inputs.Length;
        // One thread on both sides: LLamaEmbedder decodes on thread-pool threads, and with more than one thread each of
        // them would keep an OpenMP team for the rest of the run (see OwnThread); one thread runs no OpenMP at all.
        const int threads = 1;
        sink.Info($"{figure} vs LLamaEmbedder: {texts} short texts, {modelLabel} model ({path}), {threads} threads, {ctx.Plan.TgPairs} pairs wanted");
        using var ours = new Gemma4EmbeddingGenerator(model, new Gemma4EmbeddingGeneratorOptions
        {
            BatchSize = Batch,
            MaxParallelSequences = 64,
            Threads = threads,
            Normalize = true,
        });

        // Every setting both sides have is set the same, explicitly (LLamaSharp's defaults differ from llama.cpp's).
        var theirParams = new ModelParams(path)
        {
            ContextSize = Batch,
            BatchSize = Batch,
            UBatchSize = Batch,
            SeqMax = 1,
            Threads = threads,
            BatchThreads = threads,
            GpuLayerCount = ctx.Options.GpuLayers,
            LoadMode = LLamaLoadMode.MemoryMap,
            Embeddings = true,
            PoolingType = LLamaPoolingType.Mean,
            FlashAttention = null,
            TypeK = GGMLType.GGML_TYPE_F16,
            TypeV = GGMLType.GGML_TYPE_F16,
            SwaFull = false,
            KVUnified = true,
        };
        using var weights = await LLamaWeights.LoadFromFileAsync(theirParams, ctx.CancellationToken);
        using var theirs = new LLamaEmbedder(weights, theirParams);

        float[]? ourFirst = null;
        float[]? theirFirst = null;

        async Task<SideValue> Ours(int rep)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = await ours.GenerateAsync(inputs, cancellationToken: ctx.CancellationToken);
            clock.Stop();
            ourFirst ??= result[0].Vector.ToArray();
            return new SideValue(texts / clock.Elapsed.TotalSeconds, result.Count == texts,
                string.Create(CultureInfo.InvariantCulture, $"{result.Usage?.InputTokenCount} tokens"));
        }

        async Task<SideValue> Theirs(int rep)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var count = 0;
            foreach (var text in inputs)
            {
                var vectors = await theirs.GetEmbeddings(text, ctx.CancellationToken);
                theirFirst ??= vectors[0];
                count += vectors.Count > 0 ? 1 : 0;
            }

            clock.Stop();
            return new SideValue(texts / clock.Elapsed.TotalSeconds, count == texts);
        }

        // Warm-up: page the weights in, JIT both paths.
        await Ours(-1);
        await Theirs(-1);
        var outcome = await ctx.Runner.RunAsync(figure, ctx.Plan.TgPairs, alternate: true, Theirs, Ours, (t, o) => o / t, ("llamaembedder", "ours", "texts/s"));
        sink.Result(ratioName, outcome.Ratio.Median);
        sink.Result($"{tpsPrefix}.ours", outcome.B.Median);
        sink.Result($"{tpsPrefix}.llamaembedder", outcome.A.Median);
        sink.Spread(ratioName, outcome.Ratio, outcome.Detail);

        // Same model, same pooling: the two sides must agree on what they embed (ours is normalised; cosine ignores that).
        // Text 0 alone is the same computation on both sides; inside a packed batch llama.cpp's matrix kernels sum in
        // another order, which a deep random-weight model amplifies (reported, not checked).
        var alone = (await ours.GenerateAsync([inputs[0]], cancellationToken: ctx.CancellationToken))[0].Vector.ToArray();
        var cosine = VectorMath.Cosine(alone, theirFirst!);
        var packed = VectorMath.Cosine(ourFirst!, theirFirst!);
        sink.Check($"{figure}.same_vector_as_llamaembedder", cosine > 0.9999,
            string.Create(CultureInfo.InvariantCulture, $"(cosine of text 0 alone: {cosine:F6}; inside the packed batch: {packed:F6})"));
    }
}
