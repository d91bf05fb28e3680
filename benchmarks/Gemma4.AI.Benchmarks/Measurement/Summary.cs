using System.Globalization;

namespace Gemma4.AI.Benchmarks.Measurement;

/// <summary>Median and spread of a set of values.</summary>
internal sealed record Summary(double Median, double Min, double Max, double Q1, double Q3, int Count)
{
    public static Summary Empty { get; } = new(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0);

    public static Summary Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        return sorted.Length == 0
            ? Empty
            : new Summary(Quantile(sorted, 0.5), sorted[0], sorted[^1], Quantile(sorted, 0.25), Quantile(sorted, 0.75), sorted.Length);
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"median={Median:G4} min={Min:G4} max={Max:G4} q1={Q1:G4} q3={Q3:G4} n={Count}");

    /// <summary>Linear interpolation between order statistics (type 7, as R and NumPy default).</summary>
    private static double Quantile(double[] sorted, double q)
    {
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
