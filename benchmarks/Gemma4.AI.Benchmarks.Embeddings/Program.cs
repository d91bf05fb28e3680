// Embedding throughput: Gemma4EmbeddingGenerator vs LLamaSharp's LLamaEmbedder on the same model, same threads,
// every llama.cpp setting explicit. The two sides alternate in paired reps (shared 2-core machines drift 10-20%
// between time windows), and each rep logs how much CPU other processes used while it ran.
//
//   dotnet run -c Release --project benchmarks/Gemma4.AI.Benchmarks.Embeddings -- [--model embedding|gemma4]
//       [--path file.gguf] [--texts 1000] [--reps 7] [--threads 1] [--batch 512] [--sequences 64] [--flash auto|on|off]
//       [--texts-kind short|sentence] [--side both|ours|theirs]
using System.Diagnostics;
using System.Globalization;
using Gemma4.AI;
using Gemma4.AI.Benchmarks.Embeddings;
using Gemma4.AI.TestModels;
using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.AI;

var settings = BenchmarkSettings.Parse(args);
var path = settings.Path ?? (settings.Model == "gemma4" ? TestModels.Gemma4() : TestModels.GemmaEmbedding());
var texts = ShortTexts.Create(settings.Texts, settings.Sentences);
var flash = settings.Flash switch { "on" => true, "off" => false, _ => (bool?)null };

Console.WriteLine($"model     {path}");
Console.WriteLine($"texts     {texts.Length} {(settings.Sentences ? "sentences" : "short texts")}, {settings.Reps} paired reps, threads {settings.Threads}, batch {settings.Batch}, " +
                  $"sequences {settings.Sequences}, flash attention {settings.Flash}, {Environment.ProcessorCount} cores");

// Ours: one model, one persistent embedding context, all texts in one call.
using var model = await Gemma4Model.LoadAsync(new Gemma4ModelOptions
{
    ModelPath = path,
    Threads = settings.Threads,
    BatchThreads = settings.Threads,
    ContextSize = 256, // the generation context a gemma4 file also gets; unused here
    BatchSize = 256,
    MicroBatchSize = 256,
    MaxParallelSequences = 1,
    UseMemoryMap = true,
    FlashAttention = settings.Flash switch { "on" => Gemma4FlashAttention.Enabled, "off" => Gemma4FlashAttention.Disabled, _ => Gemma4FlashAttention.Auto },
});
using var generator = new Gemma4EmbeddingGenerator(model, new Gemma4EmbeddingGeneratorOptions
{
    BatchSize = settings.Batch,
    MaxParallelSequences = settings.Sequences,
    Threads = settings.Threads,
    Normalize = true,
});

// Theirs: LLamaEmbedder (a new context per text), the same settings where both have them.
var embedderParams = new ModelParams(path)
{
    ContextSize = (uint)settings.Batch,
    BatchSize = (uint)settings.Batch,
    UBatchSize = (uint)settings.Batch,
    SeqMax = 1,
    Threads = settings.Threads,
    BatchThreads = settings.Threads,
    GpuLayerCount = 0,
    LoadMode = LLamaLoadMode.MemoryMap,
    Embeddings = true,
    PoolingType = LLamaPoolingType.Mean,
    FlashAttention = flash,
    TypeK = GGMLType.GGML_TYPE_F16,
    TypeV = GGMLType.GGML_TYPE_F16,
    SwaFull = false,
    KVUnified = true,
};
using var weights = await LLamaWeights.LoadFromFileAsync(embedderParams);
using var embedder = new LLamaEmbedder(weights, embedderParams);

async Task<(double Seconds, double CpuSeconds, long Tokens, float[] First)> RunOurs()
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    var result = await generator.GenerateAsync(texts);
    sw.Stop();
    cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    return (sw.Elapsed.TotalSeconds, cpu.TotalSeconds, result.Usage!.InputTokenCount!.Value, result[0].Vector.ToArray());
}

async Task<(double Seconds, double CpuSeconds, long Tokens, float[] First)> RunTheirs()
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    float[] first = [];
    long tokens = 0;
    foreach (var text in texts)
    {
        var vectors = await embedder.GetEmbeddings(text);
        first = first.Length == 0 ? vectors[0] : first;
    }

    sw.Stop();
    cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    foreach (var text in texts)
    {
        tokens += weights.Tokenize(text, true, true, System.Text.Encoding.UTF8).Length;
    }

    return (sw.Elapsed.TotalSeconds, cpu.TotalSeconds, tokens, first);
}

if (settings.Side != "both")
{
    // Profiling mode: one side only, no ratio.
    for (var rep = 0; rep < settings.Reps; rep++)
    {
        var r = settings.Side == "ours" ? await RunOurs() : await RunTheirs();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{settings.Side} rep {rep + 1}: {r.Seconds * 1000:F1} ms"));
    }

    return;
}

// Warm-up (page in the weights, JIT) and a sanity check that both sides embed the same thing.
var warmOurs = await RunOurs();
var warmTheirs = await RunTheirs();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"tokens    ours {warmOurs.Tokens} ({(double)warmOurs.Tokens / texts.Length:F1} per text), LLamaEmbedder {warmTheirs.Tokens} (ours adds EOS when the vocabulary asks for it)"));
Console.WriteLine($"agreement cosine(ours, LLamaEmbedder) on text 0: {Cosine(warmOurs.First, warmTheirs.First):F6}");

var ratios = new List<double>();
var cpuRatios = new List<double>();
var oursTimes = new List<double>();
var theirsTimes = new List<double>();
for (var rep = 0; rep < settings.Reps; rep++)
{
    var cpu = CpuMonitor.Start();
    (double Seconds, double CpuSeconds, long Tokens, float[] First) ours, theirs;
    if (rep % 2 == 0)
    {
        ours = await RunOurs();
        theirs = await RunTheirs();
    }
    else
    {
        theirs = await RunTheirs();
        ours = await RunOurs();
    }

    var others = cpu.OtherProcessesCores();
    var ratio = theirs.Seconds / ours.Seconds;
    ratios.Add(ratio);
    cpuRatios.Add(theirs.CpuSeconds / ours.CpuSeconds);
    oursTimes.Add(ours.Seconds);
    theirsTimes.Add(theirs.Seconds);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"rep {rep + 1,2}  ours {ours.Seconds * 1000,8:F1} ms ({texts.Length / ours.Seconds,7:F0} texts/s)  " +
        $"LLamaEmbedder {theirs.Seconds * 1000,8:F1} ms ({texts.Length / theirs.Seconds,6:F0} texts/s)  " +
        $"ratio {ratio,6:F2} (CPU time {theirs.CpuSeconds / ours.CpuSeconds,5:F2})  other processes {others:F2} cores{(rep % 2 == 0 ? string.Empty : "  (theirs first)")}"));
}

ratios.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"median    ours {Median(oursTimes) * 1000:F1} ms, LLamaEmbedder {Median(theirsTimes) * 1000:F1} ms; " +
    $"ratio median {Median(ratios):F2} (min {ratios[0]:F2}, max {ratios[^1]:F2}); CPU-time ratio median {Median(cpuRatios):F2}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT ratio.embeddings_vs_llamaembedder {Median(ratios):F2}"));

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static double Cosine(float[] a, float[] b)
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
