using System.Globalization;
using Gemma4.AI.Benchmarks.Embeddings;
using Gemma4.AI.Benchmarks.Measurement;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Gemma4.AI.Benchmarks.Figures;

/// <summary>
/// 1,000 short texts embedded by <see cref="Gemma4EmbeddingGenerator"/> (one persistent context, inputs packed into
/// shared decodes) vs LLamaSharp's <c>LLamaEmbedder</c> (a context per text), on the tiny generated
/// <c>gemma-embedding</c> model, one thread each: <c>RESULT ratio.embeddings_vs_llamaembedder</c> (our texts/s / theirs).
/// </summary>
/// <remarks>
/// Both sides do the same model arithmetic per token, so the ratio is bounded by what LLamaEmbedder spends outside it
/// (a context per call, one text per decode); profiles of our side show ~90% of its CPU time inside ggml's kernels.
/// </remarks>
internal static class EmbeddingsFigure
{
    private const int Texts = 1000;
    private const int Batch = 512;

    public static async Task RunAsync(BenchmarkContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var sink = ctx.Sink;
        // One thread on both sides: LLamaEmbedder decodes on thread-pool threads, and with more than one thread each of
        // them would keep an OpenMP team for the rest of the run (see OwnThread); one thread runs no OpenMP at all.
        const int threads = 1;
        var path = TestModels.TestModels.GemmaEmbedding();
        var texts = ShortTexts.Create(Texts, sentences: false);
        sink.Info($"embeddings: {Texts} short texts, tiny gemma-embedding model ({path}), {threads} threads, {ctx.Plan.TgPairs} pairs wanted");

        using var model = await Gemma4Model.LoadAsync(new Gemma4ModelOptions
        {
            ModelPath = path,
            Threads = threads,
            BatchThreads = threads,
            ContextSize = 256,
            BatchSize = 256,
            MicroBatchSize = 256,
            MaxParallelSequences = 1,
            UseMemoryMap = true,
            FlashAttention = Gemma4FlashAttention.Auto,
        }, cancellationToken: ctx.CancellationToken);
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
            GpuLayerCount = 0,
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
            var result = await ours.GenerateAsync(texts, cancellationToken: ctx.CancellationToken);
            clock.Stop();
            ourFirst ??= result[0].Vector.ToArray();
            return new SideValue(Texts / clock.Elapsed.TotalSeconds, result.Count == Texts,
                string.Create(CultureInfo.InvariantCulture, $"{result.Usage?.InputTokenCount} tokens"));
        }

        async Task<SideValue> Theirs(int rep)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var count = 0;
            foreach (var text in texts)
            {
                var vectors = await theirs.GetEmbeddings(text, ctx.CancellationToken);
                theirFirst ??= vectors[0];
                count += vectors.Count > 0 ? 1 : 0;
            }

            clock.Stop();
            return new SideValue(Texts / clock.Elapsed.TotalSeconds, count == Texts);
        }

        // Warm-up: page the weights in, JIT both paths.
        await Ours(-1);
        await Theirs(-1);
        var outcome = await ctx.Runner.RunAsync("embeddings", ctx.Plan.TgPairs, alternate: true, Theirs, Ours, (t, o) => o / t, ("llamaembedder", "ours", "texts/s"));
        sink.Result("ratio.embeddings_vs_llamaembedder", outcome.Ratio.Median);
        sink.Result("tps.embeddings.texts.ours", outcome.B.Median);
        sink.Result("tps.embeddings.texts.llamaembedder", outcome.A.Median);
        sink.Spread("ratio.embeddings_vs_llamaembedder", outcome.Ratio, outcome.Detail);

        // Same model, same pooling: the two sides must agree on what they embed (ours is normalised; cosine ignores that).
        var cosine = Cosine(ourFirst!, theirFirst!);
        sink.Check("embeddings.same_vector_as_llamaembedder", cosine > 0.9999,
            string.Create(CultureInfo.InvariantCulture, $"(cosine of text 0: {cosine:F6})"));
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
