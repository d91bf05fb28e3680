using System.Globalization;
using System.Runtime.InteropServices;
using Gemma4.AI.Benchmarks.Measurement;
using Gemma4.AI.Native;

namespace Gemma4.AI.Benchmarks.Native;

/// <summary>Settings of the native media loop; the benchmark passes the values the .NET side runs with.</summary>
internal sealed record NativeMtmdSettings(
    string ModelPath,
    string ProjectorPath,
    int Threads,
    int ContextSize,
    int BatchSize,
    int MicroBatchSize,
    int Sequences,
    Gemma4FlashAttention FlashAttention,
    bool SwaFull,
    int GpuLayers,
    string? BackendModule,
    int ImageMinTokens,
    int ImageMaxTokens);

/// <summary>A request timed by the native media loop: time to first token, positions, reused prefix, media tokens, first token, process CPU time.</summary>
internal readonly record struct NativeMediaRequest(long Microseconds, int Positions, int Reused, int MediaTokens, int First, long CpuMicroseconds);

/// <summary>
/// The native media baseline (native/llama_mtmd_loop.c) as a child process: libmtmd and libllama as a C program uses
/// them (decode the medium, split the prompt at the marker, evaluate the chunks with the helpers, argmax).
/// </summary>
internal sealed class NativeMtmdLoop : IDisposable
{
    public const string ProgramName = "llama_mtmd_loop";

    /// <summary>libmtmd, linked in addition to the libraries every loop links.</summary>
    public static readonly string[] Libraries = ["mtmd"];

    private readonly NativeProcess _process;

    private NativeMtmdLoop(NativeProcess process) => _process = process;

    public NativeProcess Process => _process;

    public static async Task<NativeMtmdLoop> StartAsync(string binary, NativeMtmdSettings s, bool verbose, CancellationToken cancellationToken) =>
        new(await NativeProcess.StartAsync(binary, Arguments(s).Append("--log-all").Append("--serve"), verbose, cancellationToken));

    /// <summary>The settings as command-line arguments (add <c>--prompt FILE --media FILE -r 5</c> to run it standalone).</summary>
    public static IEnumerable<string> Arguments(NativeMtmdSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        string[] args =
        [
            "-m", s.ModelPath, "--mmproj", s.ProjectorPath, "-t", I(s.Threads), "-c", I(s.ContextSize), "-b", I(s.BatchSize),
            "-ub", I(s.MicroBatchSize), "-s", I(s.Sequences), "-fa", NativeLoop.FlashAttentionArgument(s.FlashAttention),
            "--swa-full", s.SwaFull ? "1" : "0", "-ngl", I(s.GpuLayers),
            "--image-min-tokens", I(s.ImageMinTokens), "--image-max-tokens", I(s.ImageMaxTokens),
        ];
        return s.BackendModule is { } module ? [.. args, "--backend-module", module] : args;
    }

    /// <summary>Checks the loop's declarations of mtmd's structs against the library's bindings (<see cref="MtmdNative"/>).</summary>
    public bool CheckLayouts(ResultSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var expected = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["sizeof_mtmd_params"] = Marshal.SizeOf<MtmdNative.ContextParams>(),
            ["off_mtmd_media_marker"] = (int)Marshal.OffsetOf<MtmdNative.ContextParams>(nameof(MtmdNative.ContextParams.MediaMarker)),
            ["off_mtmd_image_max_tokens"] = (int)Marshal.OffsetOf<MtmdNative.ContextParams>(nameof(MtmdNative.ContextParams.ImageMaxTokens)),
            ["off_mtmd_batch_max_tokens"] = (int)Marshal.OffsetOf<MtmdNative.ContextParams>(nameof(MtmdNative.ContextParams.BatchMaxTokens)),
            ["sizeof_mtmd_input_text"] = Marshal.SizeOf<MtmdNative.InputText>(),
        };
        var mismatches = expected
            .Where(kv => _process.Ready.GetValueOrDefault(kv.Key) != kv.Value.ToString(CultureInfo.InvariantCulture))
            .Select(kv => $"{kv.Key}: native {_process.Ready.GetValueOrDefault(kv.Key, "?")} vs Gemma4.AI {kv.Value}")
            .ToList();
        sink.Check("media.native.mtmd_layout_matches_gemma4ai", mismatches.Count == 0,
            mismatches.Count == 0 ? $"({expected.Count} sizes and offsets)" : string.Join("; ", mismatches));
        return mismatches.Count == 0 && SetupComparison.CheckLayouts(_process, sink, "media.native.struct_layout_matches_llamasharp");
    }

    public async Task SetPromptAsync(string file) => await _process.CommandAsync("prompt " + file, "OK");

    public async Task SetMediaAsync(string file) => await _process.CommandAsync("media " + file, "OK");

    /// <summary>One timed request with the prompt and medium set last.</summary>
    public async Task<NativeMediaRequest> TimeToFirstTokenAsync()
    {
        var r = await _process.CommandAsync("ttft", "TTFT");
        return new NativeMediaRequest(NativeProcess.Long(r, "us"), NativeProcess.Int(r, "n"), NativeProcess.Int(r, "reused"), NativeProcess.Int(r, "media"), NativeProcess.Int(r, "first"), NativeProcess.Long(r, "cpu_us"));
    }

    /// <summary>The medium set last, encoded alone: microseconds of mtmd_encode_chunk, and its tokens.</summary>
    public async Task<(long Microseconds, int Tokens)> EncodeAsync()
    {
        var r = await _process.CommandAsync("encode", "ENCODE");
        return (NativeProcess.Long(r, "us"), NativeProcess.Int(r, "tokens"));
    }

    public void Dispose() => _process.Dispose();
}
