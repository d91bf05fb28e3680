using System.Globalization;
using System.Text;

namespace Gemma4.AI.Benchmarks.Native;

/// <summary>Settings of the native loop; the benchmark passes the same values it gives the .NET side.</summary>
internal sealed record NativeLoopSettings(
    string ModelPath,
    int Threads,
    int ContextSize,
    int BatchSize,
    int MicroBatchSize,
    int Sequences,
    Gemma4FlashAttention FlashAttention,
    bool SwaFull,
    int GpuLayers,
    string? BackendModule,
    bool Argmax);

/// <summary>A prefill measured by the native loop.</summary>
internal readonly record struct NativePrefill(int Tokens, long Microseconds, int Next);

/// <summary>A generation measured by the native loop.</summary>
internal readonly record struct NativeGeneration(long Microseconds, int[] Tokens);

/// <summary>
/// The native generation baseline (native/llama_bench_loop.c) as a child process: it times prefills and generations
/// on command.
/// </summary>
internal sealed class NativeLoop : IDisposable
{
    public const string ProgramName = "llama_bench_loop";

    private readonly NativeProcess _process;

    private NativeLoop(NativeProcess process) => _process = process;

    /// <summary>The child process (READY fields, banner, llama.cpp's log).</summary>
    public NativeProcess Process => _process;

    public int ProcessId => _process.ProcessId;

    public static async Task<NativeLoop> StartAsync(string binary, NativeLoopSettings s, bool verbose, CancellationToken cancellationToken) =>
        new(await NativeProcess.StartAsync(binary, Arguments(s), verbose, cancellationToken));

    /// <summary>The command line, as it would be typed to run the same loop standalone.</summary>
    public static IEnumerable<string> Arguments(NativeLoopSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        yield return "-m";
        yield return s.ModelPath;
        yield return "-t";
        yield return I(s.Threads);
        yield return "-tb";
        yield return I(s.Threads);
        yield return "-c";
        yield return I(s.ContextSize);
        yield return "-b";
        yield return I(s.BatchSize);
        yield return "-ub";
        yield return I(s.MicroBatchSize);
        yield return "-s";
        yield return I(s.Sequences);
        yield return "-fa";
        yield return FlashAttentionArgument(s.FlashAttention);
        yield return "--swa-full";
        yield return s.SwaFull ? "1" : "0";
        yield return "-ngl";
        yield return I(s.GpuLayers);
        if (s.BackendModule is { } module)
        {
            yield return "--backend-module";
            yield return module;
        }

        yield return "--sample";
        yield return s.Argmax ? "argmax" : "none";
        yield return "--log-all";
        yield return "--serve";
    }

    /// <summary>The native loops' <c>-fa</c> value for a flash-attention setting.</summary>
    public static string FlashAttentionArgument(Gemma4FlashAttention value) => value switch
    {
        Gemma4FlashAttention.Enabled => "on",
        Gemma4FlashAttention.Disabled => "off",
        _ => "auto",
    };

    public async Task<int> SetTokensAsync(IReadOnlyList<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var line = new StringBuilder("tokens", tokens.Count * 7 + 8);
        foreach (var t in tokens)
        {
            line.Append(' ').Append(t.ToString(CultureInfo.InvariantCulture));
        }

        return NativeProcess.Int(await _process.CommandAsync(line.ToString(), "OK"), "n");
    }

    /// <summary>Clears the cache, decodes tokens [0, k) untimed and [k, n) timed.</summary>
    public async Task<NativePrefill> PrefillAsync(int cached)
    {
        var reply = await _process.CommandAsync(string.Create(CultureInfo.InvariantCulture, $"prefill {cached}"), "PP");
        return new NativePrefill(NativeProcess.Int(reply, "n"), NativeProcess.Long(reply, "us"), NativeProcess.Int(reply, "next"));
    }

    /// <summary>Decodes <paramref name="count"/> single tokens after the prefill, sampling after each.</summary>
    public async Task<NativeGeneration> GenerateAsync(int count)
    {
        var reply = await _process.CommandAsync(string.Create(CultureInfo.InvariantCulture, $"gen {count}"), "TG");
        var tokens = reply["tokens"].Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        return new NativeGeneration(NativeProcess.Long(reply, "us"), tokens);
    }

    /// <summary>Batched generation: the prompt shared by <paramref name="streams"/> sequences, then <paramref name="steps"/> steps of one token each; returns microseconds.</summary>
    public async Task<long> ParallelAsync(int streams, int steps) =>
        NativeProcess.Long(await _process.CommandAsync(string.Create(CultureInfo.InvariantCulture, $"par {streams} {steps}"), "PAR"), "us");

    public void Dispose() => _process.Dispose();
}
