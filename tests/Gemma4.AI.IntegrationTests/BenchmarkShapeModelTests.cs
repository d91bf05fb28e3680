using System.Diagnostics;
using Gemma4.AI.Gguf;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;
using LLama.Native;
using Xunit.Abstractions;

namespace Gemma4.AI.IntegrationTests;

/// <summary>
/// The multi-GB benchmark-shape models really load and decode. Opt-in (set <c>GEMMA4_BENCHMARK_MODELS=1</c>): the
/// E2B-shaped file is ~2.6 GB in the model cache and takes ~15 s to generate and load.
/// </summary>
public sealed class BenchmarkShapeModelTests(ITestOutputHelper output)
{
    [BenchmarkModelFact]
    public void Gemma4E2B_GeneratesLoadsAndDecodesAToken()
    {
        var sw = Stopwatch.StartNew();
        var path = TestModels.TestModels.Gemma4(TinyModelSpec.Gemma4E2B);
        var generate = sw.Elapsed;

        sw.Restart();
        var info = Gemma4GgufPreflight.Validate(path);
        var preflight = sw.Elapsed;

        sw.Restart();
        using var weights = Llama.Load(path);
        var load = sw.Elapsed;
        using var context = Llama.Context(weights);

        sw.Restart();
        var prompt = Llama.Tokenize(weights, "<|turn>user\nHello<turn|>\n<|turn>model\n", special: true, addBos: true);
        var logits = Llama.DecodeLastLogits(context, prompt);
        var next = (LLamaToken)Array.IndexOf(logits, logits.Max());
        var batch = new LLamaBatch();
        batch.Add(next, prompt.Length, LLamaSeqId.Zero, true);
        Assert.Equal(DecodeResult.Ok, context.Decode(batch));
        var decode = sw.Elapsed;

        output.WriteLine($"{path}: {info.FileLength:N0} bytes; get/generate {generate.TotalSeconds:F1} s, preflight {preflight.TotalMilliseconds:F0} ms, load {load.TotalSeconds:F1} s, prompt+1 token {decode.TotalMilliseconds:F0} ms");
        Assert.Equal(262_144, info.VocabSize);
        Assert.Equal(35, info.BlockCount);
        Assert.Equal(262_144, logits.Length);
        Assert.All(context.NativeHandle.GetLogitsIth(0).ToArray(), l => Assert.True(float.IsFinite(l)));
    }

    /// <summary>A fact that runs only when <c>GEMMA4_BENCHMARK_MODELS=1</c>.</summary>
    private sealed class BenchmarkModelFactAttribute : FactAttribute
    {
        public BenchmarkModelFactAttribute()
        {
            if (Environment.GetEnvironmentVariable("GEMMA4_BENCHMARK_MODELS") != "1")
            {
                Skip = "Multi-GB benchmark-shape model; set GEMMA4_BENCHMARK_MODELS=1 to run.";
            }
        }
    }
}
