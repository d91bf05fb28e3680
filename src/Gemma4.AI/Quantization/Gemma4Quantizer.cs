using System.Diagnostics;
using System.Globalization;
using Gemma4.AI.Gguf;
using Gemma4.AI.Native;
using Gemma4.AI.Quantization;

namespace Gemma4.AI;

/// <summary>
/// Converts a Gemma 4 GGUF (F16, BF16 or F32 weights, as converted from Google's checkpoints) into a quantized GGUF with
/// the bundled llama.cpp's quantizer, the same code and mixes as its <c>llama-quantize</c> tool, without leaving .NET.
/// </summary>
/// <remarks>
/// <para><b>Checks first.</b> The input goes through the same managed header check as <see cref="Gemma4Model.LoadAsync"/>,
/// and inputs that are already quantized are refused where requantizing would lose more than it gains (anything but Q8_0
/// to a smaller type), with the reason.</para>
/// <para><b>Never a partial file.</b> llama.cpp writes to a hidden temporary file in the destination folder
/// (<c>.name.gguf.&lt;id&gt;.partial</c>); it is checked and moved into place only when complete, and deleted on failure or
/// cancellation. Only if the process dies mid-way can one be left behind; it is safe to delete.</para>
/// <para><b>Progress</b> is the share of the input's tensor bytes quantized so far, taken from llama.cpp's per-tensor log
/// lines (its quantizer has no progress callback), reported from the quantizing thread; 1 once the file is in place.</para>
/// <para><b>Cancellation</b> is immediate before llama.cpp starts. llama.cpp's quantizer cannot be interrupted, so a token
/// cancelled while it runs takes effect when it returns (the remaining time of the job; minutes for a 31B model): the
/// partial file is then deleted and <see cref="OperationCanceledException"/> thrown. When the task ends, no file is left
/// behind. It runs on a dedicated thread, never a thread-pool thread.</para>
/// <para>Tensor shapes that a type cannot store (k-quants need rows that are multiples of 256) fall back per tensor, as
/// llama.cpp decides (Q4_K to Q5_0, Q6_K to Q8_0, ...). Gemma 4's real widths are multiples of 256.</para>
/// </remarks>
public static class Gemma4Quantizer
{
    /// <summary>Every type <see cref="QuantizeAsync"/> accepts.</summary>
    public static IReadOnlyList<Gemma4QuantizationType> SupportedTypes { get; } = Array.AsReadOnly(Enum.GetValues<Gemma4QuantizationType>()); // not an array a caller could change

    /// <summary>Quantizes <paramref name="inputPath"/> into <paramref name="outputPath"/>.</summary>
    /// <param name="inputPath">A Gemma 4 (or EmbeddingGemma) GGUF, single file.</param>
    /// <param name="outputPath">Where to write the result; its folder must exist.</param>
    /// <param name="type">The target type.</param>
    /// <param name="options">Threads and overwrite.</param>
    /// <param name="progress">Receives 0..1 (see remarks).</param>
    /// <param name="cancellationToken">Cancels the job (see remarks for when it takes effect).</param>
    /// <returns>The output's path, type and size.</returns>
    /// <exception cref="ArgumentException">A path is empty or both are the same file, the type is unknown, or the input is already quantized in a way that makes <paramref name="type"/> a loss (the message says why).</exception>
    /// <exception cref="Gemma4ModelLoadException">The input is missing, not a GGUF, truncated or not a Gemma 4 model.</exception>
    /// <exception cref="IOException">The output exists (and <see cref="Gemma4QuantizeOptions.Overwrite"/> is false) or its folder is missing.</exception>
    /// <exception cref="UnauthorizedAccessException">The output folder cannot be written to; the message names it.</exception>
    /// <exception cref="InvalidOperationException">llama.cpp failed; the message carries its reason.</exception>
    public static async Task<Gemma4QuantizationResult> QuantizeAsync(
        string inputPath,
        string outputPath,
        Gemma4QuantizationType type,
        Gemma4QuantizeOptions? options = null,
        IProgress<float>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var job = Prepare(inputPath, outputPath, type, options ?? new Gemma4QuantizeOptions(), progress);
        cancellationToken.ThrowIfCancellationRequested();
        job.Progress.Report(0);

        try
        {
            var (code, failure) = await RunOnDedicatedThreadAsync(job, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (code != 0)
            {
                throw new InvalidOperationException($"llama.cpp could not quantize {job.Input} to {type}: {failure}");
            }

            CheckOutput(job);
            File.Move(job.Temp, job.Output, job.Options.Overwrite);
        }
        finally
        {
            TryDelete(job.Temp);
        }

        job.Progress.Report(1);
        return new Gemma4QuantizationResult(job.Output, type, job.InputHeader.FileLength, new FileInfo(job.Output).Length, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Validates everything that can be validated before llama.cpp runs.</summary>
    private static Job Prepare(string inputPath, string outputPath, Gemma4QuantizationType type, Gemma4QuantizeOptions options, IProgress<float>? progress)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        if (!Enum.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, $"Unknown quantization type {(int)type}; supported: {string.Join(", ", SupportedTypes)}.");
        }

        if (!ThreadLimit.IsValid(options.Threads))
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.Threads, $"Gemma4QuantizeOptions.Threads must be {ThreadLimit.Expected("every logical processor")}; got {options.Threads}.");
        }

        var input = Path.GetFullPath(inputPath);
        var output = Path.GetFullPath(outputPath);
        if (string.Equals(input, output, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
        {
            throw new ArgumentException($"The output path is the input file ({input}); write the quantized model to another file.", nameof(outputPath));
        }

        if (!File.Exists(input))
        {
            throw new Gemma4ModelLoadException(input, "model file not found");
        }

        GgufFile header;
        try
        {
            header = GgufReader.Read(input);
        }
        catch (Exception e) when (e is GgufFormatException or IOException or UnauthorizedAccessException)
        {
            throw new Gemma4ModelLoadException(input, e.Message, e);
        }

        var info = Gemma4GgufPreflight.Validate(header, input);
        if (header.GetInt64("split.count") is > 1)
        {
            throw new ArgumentException($"{input} is one part of a split GGUF; merge it first (llama-gguf-split --merge).", nameof(inputPath));
        }

        var source = QuantizationPolicy.Classify(header);
        if (QuantizationPolicy.Refusal(source, info.Quantization, type) is { } refusal)
        {
            throw new ArgumentException($"Refusing to quantize {input} to {type}: {refusal}.", nameof(type));
        }

        var folder = Path.GetDirectoryName(output)!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The output folder {folder} does not exist.");
        }

        if (File.Exists(output) && !options.Overwrite)
        {
            throw new IOException($"{output} already exists; set Gemma4QuantizeOptions.Overwrite to replace it.");
        }

        var temp = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $".{Path.GetFileName(output)}.{Guid.NewGuid():N}.partial"));
        CheckWritable(folder, temp);
        return new Job(input, output, temp, type, options, header, source == QuantizationPolicy.Source.Q8_0, new QuantizationProgress(header, progress));
    }

    // llama.cpp only says "basic_ios::clear: iostream error" when it cannot create its output: try it first.
    private static void CheckWritable(string folder, string temp)
    {
        try
        {
            using (new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
            }

            File.Delete(temp);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new UnauthorizedAccessException($"Cannot write to the output folder {folder}: {ex.Message}", ex);
        }
    }

    private static Task<(uint Code, string Failure)> RunOnDedicatedThreadAsync(Job job, CancellationToken cancellationToken)
    {
        NativeLogging.EnsureConfigured(); // before the library loads, or llama.cpp's per-tensor lines never reach us
        LlamaNative.EnsureLoaded();
        var done = new TaskCompletionSource<(uint, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                // A token cancelled while the thread started still skips the native call.
                done.SetResult(cancellationToken.IsCancellationRequested ? (uint.MaxValue, "cancelled") : Run(job));
            }
#pragma warning disable CA1031 // Whatever happens on this thread must reach the awaiting caller.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "Gemma4 quantize",
        };
        thread.Start();
        return done.Task;
    }

    private static unsafe (uint Code, string Failure) Run(Job job)
    {
        var parameters = LlamaNative.ModelQuantizeDefaultParams();
        if (!parameters.IsExpectedLayout())
        {
            throw new NotSupportedException("The loaded llama.cpp's llama_model_quantize_params differ from the layout Gemma4.AI was built for (b10221); refusing to call it.");
        }

        parameters.FileType = (int)job.Type;
        parameters.ThreadCount = job.Options.Threads ?? Environment.ProcessorCount;
        parameters.AllowRequantize = job.Requantize ? (byte)1 : (byte)0;
        using var capture = NativeErrorCapture.Start(job.Progress.OnLogLine);
        var code = LlamaNative.ModelQuantize(job.Input, job.Temp, &parameters);
        return (code, capture.Describe("no reason given"));
    }

    /// <summary>The output must be a GGUF this library loads, with every tensor the input had.</summary>
    private static void CheckOutput(Job job)
    {
        try
        {
            var written = GgufReader.Read(job.Temp);
            Gemma4GgufPreflight.Validate(written, job.Temp);
            if (written.Tensors.Count != job.InputHeader.Tensors.Count)
            {
                throw new InvalidOperationException($"llama.cpp wrote {written.Tensors.Count} tensors, the input has {job.InputHeader.Tensors.Count}.");
            }
        }
        catch (Exception ex) when (ex is GgufFormatException or Gemma4ModelLoadException or IOException)
        {
            throw new InvalidOperationException($"llama.cpp's output for {job.Input} is not a valid model: {ex.Message}", ex);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the name is hidden and unique, and says what it is.
        }
    }

    private sealed record Job(
        string Input,
        string Output,
        string Temp,
        Gemma4QuantizationType Type,
        Gemma4QuantizeOptions Options,
        GgufFile InputHeader,
        bool Requantize,
        QuantizationProgress Progress);
}
