using System.Globalization;
using System.Text.RegularExpressions;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.Native;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>The memory estimator against the KV cache llama.cpp really allocates (as it logs it).</summary>
[Collection(SerialTests.Name)]
public sealed partial class MemoryEstimatorTests
{
    [Theory]
    [InlineData(8192, Gemma4KvCacheType.F16, Gemma4KvCacheType.F16, false, 8)]
    [InlineData(8192, Gemma4KvCacheType.F16, Gemma4KvCacheType.F16, true, 4)]
    [InlineData(32768, Gemma4KvCacheType.Q8_0, Gemma4KvCacheType.Q8_0, false, 2)]
    [InlineData(32768, Gemma4KvCacheType.Q4_0, Gemma4KvCacheType.Q8_0, true, 1)]
    [InlineData(131072, Gemma4KvCacheType.F16, Gemma4KvCacheType.F16, false, 4)]
    public async Task KvCacheEstimate_MatchesWhatLlamaCppAllocates(int context, Gemma4KvCacheType k, Gemma4KvCacheType v, bool swaFull, int sequences)
    {
        var options = TinyChatModel.Options(TestModels.TestModels.Gemma4());
        options.ContextSize = context;
        options.KeyCacheType = k;
        options.ValueCacheType = v;
        options.SwaFull = swaFull;
        options.MaxParallelSequences = sequences;
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
            using var model = await Gemma4Model.LoadAsync(options);
        }

        var estimate = Gemma4MemoryEstimator.Estimate(options.ModelPath, options);

        // llama.cpp logs the global cache first, then the sliding-window cache, in MiB with two decimals.
        Assert.Equal(2, sizes.Count);
        Assert.Equal(sizes[0], estimate.KvCacheBytes / 1048576.0, 0.01);
        Assert.Equal(sizes[1], estimate.SlidingKvCacheBytes / 1048576.0, 0.01);
    }

    [GeneratedRegex(@"llama_kv_cache: size = +([0-9.]+) MiB")]
    private static partial Regex KvSize();
}
