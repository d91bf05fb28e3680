using System.Globalization;
using System.Runtime.InteropServices;
using Gemma4.AI.Benchmarks.Measurement;
using LLama.Native;

namespace Gemma4.AI.Benchmarks.Native;

/// <summary>
/// Checks that both sides really run the same thing: the native loop's struct layouts match LLamaSharp's
/// definitions of the same llama.cpp version, and llama.cpp reports the same context, KV cache and buffers on
/// both sides (its own log lines, captured while each side created its context).
/// </summary>
internal static class SetupComparison
{
    /// <summary>llama.cpp log lines that describe effective settings and allocations.</summary>
    public static bool IsSettingLine(string line) =>
        (line.StartsWith("llama_context: ", StringComparison.Ordinal) && line.Contains(" = ", StringComparison.Ordinal) && !line.Contains("output buffer", StringComparison.Ordinal))
        || line.StartsWith("llama_kv_cache: size =", StringComparison.Ordinal)
        || line.StartsWith("llama_kv_cache_iswa: creating", StringComparison.Ordinal)
        || line.Contains("model buffer size", StringComparison.Ordinal)
        || line.Contains("compute buffer size", StringComparison.Ordinal);

    /// <summary>Compares struct layouts; false (with a CHECK line) when the native declarations are wrong for this library.</summary>
    public static bool CheckLayouts(NativeProcess native, ResultSink sink, string checkName = "native.struct_layout_matches_llamasharp")
    {
        ArgumentNullException.ThrowIfNull(native);
        ArgumentNullException.ThrowIfNull(sink);
        var expected = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["sizeof_mparams"] = Marshal.SizeOf<LLamaModelParams>(),
            ["off_mparams_load_mode"] = (int)Marshal.OffsetOf<LLamaModelParams>(nameof(LLamaModelParams.load_mode)),
            ["off_mparams_kv_overrides"] = (int)Marshal.OffsetOf<LLamaModelParams>(nameof(LLamaModelParams.kv_overrides)),
            ["sizeof_cparams"] = Marshal.SizeOf<LLamaContextParams>(),
            ["off_cparams_n_threads"] = (int)Marshal.OffsetOf<LLamaContextParams>(nameof(LLamaContextParams.n_threads)),
            ["off_cparams_type_k"] = (int)Marshal.OffsetOf<LLamaContextParams>(nameof(LLamaContextParams.type_k)),
            ["off_cparams_samplers"] = (int)Marshal.OffsetOf<LLamaContextParams>(nameof(LLamaContextParams.samplers)),
        };
        var mismatches = expected
            .Where(kv => !native.Ready.TryGetValue(kv.Key, out var v) || v != kv.Value.ToString(CultureInfo.InvariantCulture))
            .Select(kv => $"{kv.Key}: native {native.Ready.GetValueOrDefault(kv.Key, "?")} vs LLamaSharp {kv.Value}")
            .ToList();
        sink.Check(checkName, mismatches.Count == 0,
            mismatches.Count == 0 ? $"({expected.Count} sizes and offsets)" : string.Join("; ", mismatches));
        return mismatches.Count == 0;
    }

    /// <summary>Compares llama.cpp's reports of settings and allocations; prints the differences.</summary>
    public static bool CheckReportedSettings(
        IReadOnlyCollection<string> ours, IReadOnlyCollection<string> native, ResultSink sink, string checkName = "native.same_llamacpp_settings")
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(native);
        ArgumentNullException.ThrowIfNull(sink);
        var a = ours.Where(IsSettingLine).Select(Normalize).ToList();
        var b = native.Where(IsSettingLine).Select(Normalize).ToList();
        var onlyOurs = Except(a, b);
        var onlyNative = Except(b, a);
        var same = onlyOurs.Count == 0 && onlyNative.Count == 0 && a.Count > 0;
        sink.Check(checkName, same, same
            ? $"({a.Count} lines of llama.cpp's context, KV cache and buffer report identical)"
            : $"only .NET: [{string.Join(" | ", onlyOurs)}] only native: [{string.Join(" | ", onlyNative)}]");
        return same;
    }

    private static string Normalize(string line) => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static List<string> Except(List<string> a, List<string> b)
    {
        var rest = b.GroupBy(x => x, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var line in a)
        {
            if (rest.TryGetValue(line, out var n) && n > 0)
            {
                rest[line] = n - 1;
            }
            else
            {
                result.Add(line);
            }
        }

        return result;
    }
}
