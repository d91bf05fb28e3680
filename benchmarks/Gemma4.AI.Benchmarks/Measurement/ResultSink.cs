using System.Globalization;

namespace Gemma4.AI.Benchmarks.Measurement;

/// <summary>
/// Writes the program's output: one machine-readable <c>RESULT &lt;name&gt; &lt;value&gt;</c> line per figure, plus
/// <c>SPREAD</c>, <c>CHECK</c> and <c>NOTE</c> lines, and human-readable progress lines starting with <c>#</c>.
/// </summary>
internal sealed class ResultSink(TextWriter output)
{
    private readonly Dictionary<string, double> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _checks = new(StringComparer.Ordinal);
    private readonly List<string> _resultLines = [];
    private readonly Lock _gate = new();

    /// <summary>Every RESULT so far, by name.</summary>
    public IReadOnlyDictionary<string, double> Results => _results;

    /// <summary>Every CHECK so far, by name.</summary>
    public IReadOnlyDictionary<string, bool> Checks => _checks;

    /// <summary>The RESULT lines, as printed.</summary>
    public IReadOnlyList<string> ResultLines => _resultLines;

    public void Result(string name, double value)
    {
        var line = $"RESULT {name} {Format(value)}";
        lock (_gate)
        {
            _results[name] = value;
            _resultLines.Add(line);
            output.WriteLine(line);
        }
    }

    public void Spread(string name, Summary summary, string detail) =>
        Write($"SPREAD {name} {summary} {detail}".TrimEnd());

    public void Check(string name, bool ok, string detail)
    {
        lock (_gate)
        {
            _checks[name] = ok;
        }

        Write($"CHECK {name} {(ok ? "yes" : "no")} {detail}".TrimEnd());
    }

    public void Note(string text) => Write($"NOTE {text}");

    public void Info(string text) => Write($"# {text}");

    public static string Format(double value) =>
        double.IsNaN(value) ? "NaN" : value.ToString(Math.Abs(value) >= 100 ? "0.##" : "0.####", CultureInfo.InvariantCulture);

    private void Write(string line)
    {
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
