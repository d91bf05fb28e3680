using Gemma4.AI.Benchmarks;
using Gemma4.AI.Benchmarks.Measurement;
using Gemma4.AI.Benchmarks.Options;
using Gemma4.AI.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Gemma4.AI.IntegrationTests;

/// <summary>
/// The benchmark program's tiny mode, shortened: compiles the native C loop against the bundled libllama.so, runs
/// every figure once on the tiny model and checks that each one printed a number. Catches a broken native build,
/// protocol or figure in seconds; the numbers themselves are meaningless on the tiny model.
/// </summary>
// Runs alone: it measures the CPU that others take and compares llama.cpp's process-wide log lines.
[Collection(SerialTests.Name)]
public sealed class BenchmarkSmokeTests(ITestOutputHelper output)
{
    private static readonly string[] Measured =
    [
        "ratio.pp.chatclient_vs_native", "tps.pp.native", "tps.pp.chatclient",
        "ratio.tg.chatclient_vs_native", "tps.tg.native", "tps.tg.chatclient",
        "ratio.concurrent4_vs_single", "tps.single", "tps.concurrent4",
        "ratio.ttft.turn2_vs_turn1", "ms.ttft.turn1", "ms.ttft.turn2", "ratio.ttft.turn2_cached_input",
        "ratio.restore_vs_cold_ttft_speedup", "ms.ttft.cold", "ms.ttft.restored",
        "ratio.embeddings_vs_native", "tps.embeddings.vs_native.ours", "tps.embeddings.vs_native.native", "ratio.embeddings_vs_native.cpu",
        "ratio.embeddings_vs_llamaembedder", "tps.embeddings.texts.ours", "tps.embeddings.texts.llamaembedder",
        "ratio.memory.kv_estimate_vs_measured.32k.f16.swafull", "ratio.memory.kv_estimate_vs_measured.128k.q8_0.swa",
        "ratio.tg.statelessexecutor_vs_native", "ratio.tg.beside_idle_embeddings_vs_alone",
    ];

    [Fact]
    public async Task RunAsync_TinyMode_PrintsEveryFigureFromBothSides()
    {
        var options = BenchmarkOptions.Parse(["--tiny", "--pairs", "1", "--tg-tokens", "8", "--doc-tokens", "256", "--max-other-cpu", "1"]);
        using var text = new StringWriter();
        var sink = new ResultSink(text);

        var (exitCode, elapsed) = await BenchmarkProgram.RunAsync(options, sink, CancellationToken.None);

        output.WriteLine(text.ToString());
        Assert.Equal(0, exitCode);
        Assert.True(sink.Checks["native.struct_layout_matches_llamasharp"]);
        Assert.True(sink.Checks["native.same_llamacpp_settings"]);
        foreach (var name in Measured)
        {
            Assert.True(sink.Results.TryGetValue(name, out var value) && double.IsFinite(value) && value > 0, $"{name} = {value}");
        }

        Assert.True(sink.Checks["restore.greedy_output_matches_cold"]);
        Assert.True(sink.Checks["embeddings.same_vector_as_llamaembedder"]);
        Assert.True(sink.Checks["embeddings.native.struct_layout_matches_llamasharp"]);
        Assert.True(sink.Checks["embeddings.native.same_llamacpp_settings"]);
        Assert.True(sink.Checks["embeddings.same_batches_as_native"]);
        Assert.True(sink.Checks["embeddings.same_vectors_as_native"]);
        Assert.True(sink.Checks["memory.kv_estimate_within_10_percent"]);
        Assert.True(sink.Results["ratio.ttft.turn2_cached_input"] > 0.5);
        Assert.True(elapsed < TimeSpan.FromMinutes(2), $"took {elapsed}");
        Assert.DoesNotContain(sink.Results.Keys, k => k.Contains("embeddinggemma300m", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_TinyMediaFigure_PrintsTheImageRatioAndEncodeTimesFromBothSides()
    {
        // The tiny projector over the tiny model: the native media loop compiled against libmtmd, one pair each.
        var options = BenchmarkOptions.Parse(["--tiny", "--only", "media", "--pairs", "1", "--threads", "1", "--max-other-cpu", "1"]);
        using var text = new StringWriter();
        var sink = new ResultSink(text);

        var (exitCode, elapsed) = await BenchmarkProgram.RunAsync(options, sink, CancellationToken.None);

        output.WriteLine(text.ToString());
        Assert.Equal(0, exitCode);
        foreach (var name in (string[])["ratio.image.ttft.chatclient_vs_native", "ratio.image.ttft.chatclient_vs_native.cpu", "ms.image.ttft.native", "ms.image.ttft.chatclient",
            "ms.image.encode.chatclient", "ms.image.encode.native", "ms.audio10s.encode.chatclient", "ms.audio10s.encode.native"])
        {
            Assert.True(sink.Results.TryGetValue(name, out var value) && double.IsFinite(value) && value > 0, $"{name} = {value}");
        }

        // Both sides did the same work: the same positions, image tokens and reused prefix, with the same settings.
        Assert.True(sink.Checks["media.native.mtmd_layout_matches_gemma4ai"]);
        Assert.True(sink.Checks["media.native.struct_layout_matches_llamasharp"]);
        Assert.True(sink.Checks["media.native.same_llamacpp_settings"]);
        Assert.True(sink.Checks["media.same_positions_as_native"]);
        Assert.True(sink.Checks["media.same_reuse_as_native"]);
        Assert.Contains("280 image tokens", text.ToString(), StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromMinutes(1), $"took {elapsed}");
    }

    [Theory]
    [InlineData(new[] { "--quick" }, false)]
    [InlineData(new[] { "--tiny" }, false)]
    [InlineData(new[] { "--full" }, true)]
    [InlineData(new[] { "--quick", "--only", "embeddings300m" }, true)]
    [InlineData(new[] { "--full", "--only", "tg" }, false)]
    public void Runs_RealShapeEmbeddingsAndMedia_OnlyInFullModeOrByName(string[] args, bool expected)
    {
        var options = BenchmarkOptions.Parse(args);

        Assert.Equal(expected, options.Runs("embeddings300m"));
        Assert.Equal(expected && args is not [_, _, "embeddings300m"], options.Runs("media"));
        Assert.Equal(args.Length == 1, options.Runs("embeddings"));
    }

    [Fact]
    public void Plan_Streams_MeasuresEachCountWithSequencesForTheLargest()
    {
        var plan = BenchmarkPlan.For(BenchmarkOptions.Parse(["--quick", "--streams", "16,4"]));

        Assert.Equal([4, 16], plan.ConcurrentStreams);
        Assert.Equal(16, plan.Streams);
        Assert.Equal([4], BenchmarkPlan.For(BenchmarkOptions.Parse(["--quick"])).ConcurrentStreams);
        Assert.Throws<ArgumentException>(() => BenchmarkOptions.Parse(["--streams", "1"]));
        Assert.Throws<ArgumentException>(() => BenchmarkOptions.Parse(["--streams", "4,x"]));
    }
}
