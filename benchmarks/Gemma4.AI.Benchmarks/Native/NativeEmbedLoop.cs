using System.Globalization;
using LLama.Native;

namespace Gemma4.AI.Benchmarks.Native;

/// <summary>Settings of the native embedding loop: the values our generator's engine runs with.</summary>
/// <param name="ModelPath">The embedding model.</param>
/// <param name="Threads">CPU threads of the decode.</param>
/// <param name="BatchSize">n_ctx, n_batch and n_ubatch (the engine's largest input).</param>
/// <param name="PackTokens">Tokens of short inputs packed into one decode.</param>
/// <param name="Sequences">Most inputs in one decode (n_seq_max).</param>
/// <param name="FlashAttention">llama.cpp's flash-attention switch: true, false, or null for auto.</param>
/// <param name="Pooling">The pooling the context is created with.</param>
/// <param name="GpuLayers">Layers offloaded (-1 all).</param>
/// <param name="BackendModule">A ggml backend module to load first, or null.</param>
/// <param name="Normalize">Whether vectors are L2-normalised.</param>
internal sealed record NativeEmbedSettings(
    string ModelPath,
    int Threads,
    int BatchSize,
    int PackTokens,
    int Sequences,
    bool? FlashAttention,
    LLamaPoolingType Pooling,
    int GpuLayers,
    string? BackendModule,
    bool Normalize);

/// <summary>One timed embedding of every input by the native loop: wall time and the process's CPU time.</summary>
internal readonly record struct NativeEmbedding(int Inputs, long Tokens, int Decodes, long Microseconds, long CpuMicroseconds);

/// <summary>
/// The native embedding baseline (native/llama_embed_loop.c) as a child process: the inputs are sent once, then each
/// <see cref="EmbedAsync"/> tokenizes, packs, decodes, pools and normalises all of them, timed on the native side.
/// </summary>
internal sealed class NativeEmbedLoop : IDisposable
{
    public const string ProgramName = "llama_embed_loop";

    private readonly NativeProcess _process;

    private NativeEmbedLoop(NativeProcess process) => _process = process;

    /// <summary>The child process (READY fields, banner, llama.cpp's log).</summary>
    public NativeProcess Process => _process;

    /// <summary>Width of the vectors (llama_model_n_embd_out).</summary>
    public int Dimensions => NativeProcess.Int(_process.Ready, "dim");

    public static async Task<NativeEmbedLoop> StartAsync(string binary, NativeEmbedSettings s, bool verbose, CancellationToken cancellationToken) =>
        new(await NativeProcess.StartAsync(binary, Arguments(s).Append("--log-all").Append("--serve"), verbose, cancellationToken));

    /// <summary>The settings as command-line arguments (add <c>--texts FILE</c> to run the loop standalone).</summary>
    public static IEnumerable<string> Arguments(NativeEmbedSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        yield return "-m";
        yield return s.ModelPath;
        yield return "-t";
        yield return I(s.Threads);
        yield return "-b";
        yield return I(s.BatchSize);
        yield return "--pack";
        yield return I(s.PackTokens);
        yield return "-s";
        yield return I(s.Sequences);
        yield return "-fa";
        yield return s.FlashAttention switch { true => "on", false => "off", null => "auto" };
        yield return "--pooling";
        yield return s.Pooling switch
        {
            LLamaPoolingType.Mean => "mean",
            LLamaPoolingType.CLS => "cls",
            LLamaPoolingType.Last => "last",
            var other => throw new ArgumentException($"The native embedding loop has no pooling {other}.", nameof(s)),
        };
        yield return "-ngl";
        yield return I(s.GpuLayers);
        if (s.BackendModule is { } module)
        {
            yield return "--backend-module";
            yield return module;
        }

        yield return "--normalize";
        yield return s.Normalize ? "1" : "0";
    }

    /// <summary>Replaces the inputs: each text exactly as the generator tokenizes it (task prompt included).</summary>
    /// <exception cref="ArgumentException">A text contains a line break (the protocol sends one text per line).</exception>
    public async Task SetInputsAsync(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        await _process.CommandAsync("clear", "OK");
        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i].AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw new ArgumentException($"Text {i} contains a line break; the native embedding loop takes one text per line.", nameof(texts));
            }

            await _process.CommandAsync("text " + texts[i], "OK");
        }
    }

    /// <summary>Embeds every input once, timed by the native loop.</summary>
    public async Task<NativeEmbedding> EmbedAsync()
    {
        var reply = await _process.CommandAsync("embed", "EMB");
        return new NativeEmbedding(
            NativeProcess.Int(reply, "n"), NativeProcess.Long(reply, "tokens"), NativeProcess.Int(reply, "decodes"),
            NativeProcess.Long(reply, "us"), NativeProcess.Long(reply, "cpu_us"));
    }

    /// <summary>Input <paramref name="index"/>'s vector from the last <see cref="EmbedAsync"/>, bit for bit.</summary>
    public async Task<float[]> VectorAsync(int index)
    {
        var reply = await _process.CommandAsync(string.Create(CultureInfo.InvariantCulture, $"vec {index}"), "VEC");
        var bits = reply["bits"].Split(',');
        var vector = new float[bits.Length];
        for (var i = 0; i < bits.Length; i++)
        {
            vector[i] = BitConverter.UInt32BitsToSingle(uint.Parse(bits[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }

        return vector;
    }

    public void Dispose() => _process.Dispose();
}
