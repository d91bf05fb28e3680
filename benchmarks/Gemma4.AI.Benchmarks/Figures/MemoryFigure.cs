using System.Globalization;
using System.Text.RegularExpressions;
using Gemma4.AI.Native;

namespace Gemma4.AI.Benchmarks.Figures;

/// <summary>
/// <see cref="Gemma4MemoryEstimator"/> against the KV cache llama.cpp really allocates for the benchmark model, at 32K
/// and 128K context, f16 and q8_0 K/V, with and without SwaFull:
/// <c>RESULT ratio.memory.kv_estimate_vs_measured.{context}.{type}.{swa}</c> (1 = exact) and the measured MiB.
/// </summary>
/// <remarks>Each configuration loads the model again and builds its context (the 128K SwaFull f16 cache of an E2B-shaped model is 2.3 GiB).</remarks>
internal static partial class MemoryFigure
{
    public static async Task RunAsync(BenchmarkContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var sink = ctx.Sink;
        var worst = 0.0;
        foreach (var context in (int[])[32768, 131072])
        {
            foreach (var type in (Gemma4KvCacheType[])[Gemma4KvCacheType.F16, Gemma4KvCacheType.Q8_0])
            {
                foreach (var swaFull in (bool[])[true, false])
                {
                    var options = ctx.ModelOptions.Clone();
                    options.ContextSize = context;
                    options.KeyCacheType = type;
                    options.ValueCacheType = type;
                    options.SwaFull = swaFull;
                    var measured = await MeasureKvMiBAsync(options, ctx.CancellationToken);
                    var estimate = Gemma4MemoryEstimator.Estimate(options.ModelPath, options).TotalKvCacheBytes / 1048576.0;
                    var name = string.Create(CultureInfo.InvariantCulture,
                        $"{context / 1024}k.{type.ToString().ToLowerInvariant()}.{(swaFull ? "swafull" : "swa")}");
                    var ratio = estimate / measured;
                    worst = Math.Max(worst, Math.Abs(ratio - 1));
                    sink.Result($"ratio.memory.kv_estimate_vs_measured.{name}", ratio);
                    sink.Result($"mib.kv.measured.{name}", measured);
                    sink.Info(string.Create(CultureInfo.InvariantCulture,
                        $"memory {name}: llama.cpp allocated {measured:F2} MiB of KV cache, the estimator predicted {estimate:F2} MiB ({(ratio - 1) * 100:+0.00;-0.00;0.00} %)"));
                }
            }
        }

        sink.Check("memory.kv_estimate_within_10_percent", worst <= 0.10,
            string.Create(CultureInfo.InvariantCulture, $"(largest error {worst * 100:F2} %, {ctx.ModelOptions.MaxParallelSequences} sequences)"));
    }

    /// <summary>Loads the model with <paramref name="options"/> and sums the KV cache sizes llama.cpp logs (global, then sliding-window).</summary>
    private static async Task<double> MeasureKvMiBAsync(Gemma4ModelOptions options, CancellationToken cancellationToken)
    {
        var sizes = new List<double>();
        using (NativeLogging.AddListener((_, line) =>
        {
            if (KvSize().Match(line) is { Success: true } m)
            {
                lock (sizes)
                {
                    sizes.Add(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                }
            }
        }))
        {
            using var model = await Gemma4Model.LoadAsync(options, cancellationToken: cancellationToken);
        }

        return sizes.Count > 0
            ? sizes.Sum()
            : throw new InvalidOperationException("llama.cpp logged no KV cache size (its log format changed?).");
    }

    [GeneratedRegex(@"llama_kv_cache: size = +([0-9.]+) MiB")]
    private static partial Regex KvSize();
}
