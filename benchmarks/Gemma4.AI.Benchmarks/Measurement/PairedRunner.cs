using System.Globalization;
using Gemma4.AI.Benchmarks.Options;

namespace Gemma4.AI.Benchmarks.Measurement;

/// <summary>One side's value in one rep; <paramref name="Valid"/> false when the rep did not measure what it should (e.g. an early stop).</summary>
internal readonly record struct SideValue(double Value, bool Valid = true, string? Detail = null);

/// <summary>A measured side of a pair with the CPU other processes took meanwhile.</summary>
internal readonly record struct SideRecord(SideValue Value, CpuUsage Cpu);

/// <summary>One pair: both sides, their ratio, and whether it counts.</summary>
internal sealed record PairRecord(int Index, SideRecord A, SideRecord B, double Ratio, bool Contaminated)
{
    public bool Valid => A.Value.Valid && B.Value.Valid && double.IsFinite(Ratio);
}

/// <summary>What a series of pairs gave: the ratio and both sides over the pairs that count.</summary>
internal sealed record PairedOutcome(Summary Ratio, Summary A, Summary B, IReadOnlyList<PairRecord> Pairs, int Used, int Dropped, int Invalid, bool UsedContaminated)
{
    public string Detail => string.Create(
        CultureInfo.InvariantCulture,
        $"pairs={Pairs.Count} used={Used} dropped_contaminated={Dropped} invalid={Invalid}{(UsedContaminated ? " WARNING=all_pairs_contaminated_using_them_anyway" : string.Empty)}");
}

/// <summary>
/// Runs the two sides of a ratio as pairs in one process, alternating which goes first, and measures the CPU that
/// other processes took during each side. Pairs during which others took more than the allowed share of the machine
/// are dropped and replaced (up to a limit); the ratio is summarised over the clean pairs.
/// </summary>
internal sealed class PairedRunner(CpuMonitor monitor, ResultSink sink, double maxOtherCpu, Func<bool> extraPairsAllowed)
{
    /// <summary>Runs pairs until <paramref name="wanted"/> are clean or the extra-pair limit (count or time budget) is reached.</summary>
    /// <param name="label">Name shown in the progress lines.</param>
    /// <param name="wanted">Clean pairs wanted.</param>
    /// <param name="alternate">Swap the order every other pair (false when B depends on A, as turn 2 on turn 1).</param>
    /// <param name="sideA">Measures side A of pair i (the denominator's side for ratios such as ours/native: pass native as A).</param>
    /// <param name="sideB">Measures side B of pair i.</param>
    /// <param name="ratio">The figure from (A, B).</param>
    /// <param name="names">Display names and unit, e.g. ("native", "chatclient", "tok/s").</param>
    public async Task<PairedOutcome> RunAsync(
        string label,
        int wanted,
        bool alternate,
        Func<int, Task<SideValue>> sideA,
        Func<int, Task<SideValue>> sideB,
        Func<double, double, double> ratio,
        (string A, string B, string Unit) names)
    {
        ArgumentNullException.ThrowIfNull(sideA);
        ArgumentNullException.ThrowIfNull(sideB);
        ArgumentNullException.ThrowIfNull(ratio);
        var limit = wanted + (int)Math.Ceiling(wanted * BenchmarkPlan.ExtraPairFactor);
        var pairs = new List<PairRecord>();
        var clean = 0;
        for (var i = 0; i < limit && clean < wanted && (i < wanted || extraPairsAllowed()); i++)
        {
            SideRecord a, b;
            if (!alternate || i % 2 == 0)
            {
                a = await MeasureAsync(sideA, i);
                b = await MeasureAsync(sideB, i);
            }
            else
            {
                b = await MeasureAsync(sideB, i);
                a = await MeasureAsync(sideA, i);
            }

            var contaminated = a.Cpu.OtherShare > maxOtherCpu || b.Cpu.OtherShare > maxOtherCpu;
            var pair = new PairRecord(i, a, b, ratio(a.Value.Value, b.Value.Value), contaminated);
            pairs.Add(pair);
            if (pair.Valid && !contaminated)
            {
                clean++;
            }

            sink.Info(string.Create(CultureInfo.InvariantCulture,
                $"{label} pair {i}{(alternate && i % 2 == 1 ? " (B first)" : string.Empty)}: {names.A}={a.Value.Value:G5} {names.Unit} [{a.Cpu}{Extra(a.Value)}] " +
                $"{names.B}={b.Value.Value:G5} {names.Unit} [{b.Cpu}{Extra(b.Value)}] ratio={pair.Ratio:G4}" +
                $"{(contaminated ? " DROPPED(contaminated)" : string.Empty)}{(pair.Valid ? string.Empty : " INVALID")}"));
        }

        var valid = pairs.Where(p => p.Valid).ToList();
        var used = valid.Where(p => !p.Contaminated).ToList();
        var usedContaminated = used.Count == 0 && valid.Count > 0;
        if (usedContaminated)
        {
            used = valid;
        }

        return new PairedOutcome(
            Summary.Of(used.Select(p => p.Ratio)),
            Summary.Of(used.Select(p => p.A.Value.Value)),
            Summary.Of(used.Select(p => p.B.Value.Value)),
            pairs,
            used.Count,
            valid.Count(p => p.Contaminated),
            pairs.Count - valid.Count,
            usedContaminated);
    }

    private async Task<SideRecord> MeasureAsync(Func<int, Task<SideValue>> side, int index)
    {
        var start = monitor.Take();
        var value = await side(index);
        var end = monitor.Take();
        return new SideRecord(value, monitor.Between(start, end));
    }

    private static string Extra(SideValue v) =>
        (v.Detail is null ? string.Empty : $"; {v.Detail}") + (v.Valid ? string.Empty : "; invalid");
}
