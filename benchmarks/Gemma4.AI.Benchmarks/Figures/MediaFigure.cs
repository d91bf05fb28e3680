using System.Globalization;
using Gemma4.AI.Benchmarks.Chat;
using Gemma4.AI.Benchmarks.Measurement;
using Gemma4.AI.Benchmarks.Native;
using Gemma4.AI.Formatting;
using Gemma4.AI.TestModels;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Benchmarks.Figures;

/// <summary>
/// media: time to first token of a prompt with one 280-token image through <see cref="Gemma4ChatClient"/> vs the native
/// media loop (native/llama_mtmd_loop.c) over the same libmtmd and libllama, as paired alternating reps
/// (<c>RESULT ratio.image.ttft.chatclient_vs_native</c> = native time / ours); then the encode time of such an image and
/// of 10 s of audio on both sides.
/// </summary>
/// <remarks>
/// Every pair sends a new picture (the same one to both sides), so both encode it: neither side reuses a medium, and both
/// reuse the template's opening from their previous request (the native loop keeps its sequence, as a server does; the
/// CHECK lines compare positions, reused tokens and the first greedy token). Our side is timed by the caller from the
/// call to the update carrying the first token (the managed image decode, tokenizing, queueing, the encode, the decodes
/// and sampling); the native side from the bytes to the argmax (stb_image, mtmd_tokenize, the chunks' evaluation).
/// Encode times: ours are the engine's (<c>gemma4.media_encode_ms</c>), the native ones mtmd_encode_chunk alone.
/// </remarks>
internal static class MediaFigure
{
    /// <summary>20 x 14 tokens of 48 x 48 pixels: 280 tokens, mtmd's default maximum and one of Gemma's budgets.</summary>
    private const int ImageWidth = 960;

    private const int ImageHeight = 672;

    private const double AudioSeconds = 10;

    private const string Question = "Describe this picture.";

    public static async Task RunAsync(BenchmarkContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var sink = ctx.Sink;
        var model = ctx.Model;
        if (!model.SupportsImages || model.ProjectorPath is not { } projector)
        {
            sink.Note("media: the model was loaded without a vision projector; ratio.image.ttft.chatclient_vs_native is NaN");
            sink.Result("ratio.image.ttft.chatclient_vs_native", double.NaN);
            return;
        }

        var dir = Directory.CreateTempSubdirectory("gemma4-ai-media-benchmark-");
        try
        {
            var settings = new NativeMtmdSettings(
                model.ModelPath, projector, ctx.Options.Threads, ctx.ModelOptions.ContextSize, ctx.ModelOptions.BatchSize, ctx.ModelOptions.MicroBatchSize,
                ctx.ModelOptions.MaxParallelSequences, ctx.Options.FlashAttention, ctx.Options.SwaFull, ctx.Options.GpuLayers,
                ctx.Options.BackendModule is { } m ? Path.GetFullPath(m) : null, ctx.ModelOptions.EffectiveImageMinTokens, ctx.ModelOptions.EffectiveImageMaxTokens);
            NativeMtmdLoop native;
            try
            {
                var binary = NativeLoopBuilder.Build(ctx.Options.Compiler, NativeLoopBuilder.LoadedLibraryDirectory(), NativeMtmdLoop.ProgramName, NativeMtmdLoop.Libraries);
                sink.Info($"native media loop standalone: {binary} {string.Join(' ', NativeMtmdLoop.Arguments(settings))} --prompt FILE --media FILE -r 5");
                native = await NativeMtmdLoop.StartAsync(binary, settings, ctx.Options.Verbose, ctx.CancellationToken);
            }
            catch (Exception ex) when (ex is InvalidOperationException or PlatformNotSupportedException or IOException or TimeoutException)
            {
                sink.Note($"media: native media loop unavailable, ratio.image.ttft.chatclient_vs_native is NaN: {ex.Message}");
                sink.Result("ratio.image.ttft.chatclient_vs_native", double.NaN);
                return;
            }

            using var loop = native;
            using var countNative = ctx.Monitor.CountAsOurs(loop.Process.ProcessId);
            loop.CheckLayouts(sink);
            SetupComparison.CheckReportedSettings(ctx.LoadLog, loop.Process.LogLines, sink, "media.native.same_llamacpp_settings");
            await ImageAsync(ctx, loop, dir.FullName);
            if (model.SupportsAudio)
            {
                await AudioAsync(ctx, loop, dir.FullName);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task ImageAsync(BenchmarkContext ctx, NativeMtmdLoop native, string dir)
    {
        var sink = ctx.Sink;
        var plan = ctx.Plan;
        var options = StreamRecord.Greedy(1);
        string ImageFile(int rep)
        {
            var path = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"image{rep}.png"));
            if (!File.Exists(path))
            {
                File.WriteAllBytes(path, TestMedia.Png(ImageWidth, ImageHeight, seed: 7000 + rep));
            }

            return path;
        }

        List<ChatMessage> Messages(int rep) =>
            [new(ChatRole.User, [new DataContent(File.ReadAllBytes(ImageFile(rep)), "image/png"), new TextContent(Question)])];

        // The native loop gets the prompt as the client renders it, with mtmd's marker where the template put the image.
        var rendered = ctx.Client.Formatter.FormatPrompt(Messages(0), options, addGenerationPrompt: true).Text;
        var promptFile = Path.Combine(dir, "prompt.txt");
        await File.WriteAllTextAsync(promptFile, rendered.Replace(Gemma4Tokens.Image, "<__media__>", StringComparison.Ordinal), ctx.CancellationToken);
        await native.SetPromptAsync(promptFile);
        sink.Info(string.Create(CultureInfo.InvariantCulture,
            $"media: {ImageWidth} x {ImageHeight} PNG per pair (a new picture each pair), '{Question}', {plan.MediaPairs} clean pairs wanted (native media loop vs Gemma4ChatClient, alternating)"));

        var nativeRuns = new Dictionary<int, NativeMediaRequest>();
        var ourRuns = new Dictionary<int, StreamRecord>();
        var ourCpu = new Dictionary<int, double>();
        async Task<SideValue> Native(int rep)
        {
            await native.SetMediaAsync(ImageFile(rep));
            var r = await native.TimeToFirstTokenAsync();
            nativeRuns[rep] = r;
            return new SideValue(r.Microseconds / 1000.0, r.MediaTokens > 0, string.Create(CultureInfo.InvariantCulture,
                $"{r.Positions} positions, {r.MediaTokens} image tokens, {r.Reused} reused, CPU {r.CpuMicroseconds / 1000.0:F0} ms, first token {r.First}"));
        }

        async Task<SideValue> Ours(int rep)
        {
            var messages = Messages(rep); // the file's bytes, read before the clock starts as the native loop reads them
            var cpu = Environment.CpuUsage.TotalTime;
            var r = await StreamRecord.RunAsync(ctx.Client, messages, options, ctx.CancellationToken);
            ourCpu[rep] = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds;
            ourRuns[rep] = r;
            var u = r.Usage;
            return new SideValue(r.TimeToFirstToken.TotalMilliseconds, u.ImageTokens > 0 && u.OutputTokens == 1, string.Create(CultureInfo.InvariantCulture,
                $"{u.PromptTokens} positions, {u.ImageTokens} image tokens, {u.CachedPromptTokens} reused, encode {u.MediaEncodeTime.TotalMilliseconds:F0} ms, CPU {ourCpu[rep]:F0} ms, first token {(r.Tokens.Count > 0 ? r.Tokens[0] : -1)}"));
        }

        // Warm-up (not counted): JIT, the encoders' first graphs, page faults of the weights.
        await Native(-1);
        await Ours(-1);

        var outcome = await ctx.Runner.RunAsync("media", plan.MediaPairs, alternate: true, Native, Ours, (n, o) => n / o, ("native", "chatclient", "ms"));
        sink.Result("ratio.image.ttft.chatclient_vs_native", outcome.Ratio.Median);
        sink.Result("ms.image.ttft.native", outcome.A.Median);
        sink.Result("ms.image.ttft.chatclient", outcome.B.Median);
        sink.Spread("ratio.image.ttft.chatclient_vs_native", outcome.Ratio, outcome.Detail);
        sink.Spread("ms.image.ttft.native", outcome.A, string.Empty);
        sink.Spread("ms.image.ttft.chatclient", outcome.B, string.Empty);

        var reps = outcome.Pairs.Where(p => p.Valid && (outcome.UsedContaminated || !p.Contaminated)).Select(p => p.Index)
            .Where(i => nativeRuns.ContainsKey(i) && ourRuns.ContainsKey(i)).ToList();

        // Process CPU time of a rep, native / ours: what each side computed, which a busy machine moves far less than wall time.
        var cpuRatio = Summary.Of(reps.Select(i => nativeRuns[i].CpuMicroseconds / 1000.0 / ourCpu[i]));
        sink.Result("ratio.image.ttft.chatclient_vs_native.cpu", cpuRatio.Median);
        sink.Spread("ratio.image.ttft.chatclient_vs_native.cpu", cpuRatio, string.Create(CultureInfo.InvariantCulture,
            $"(process CPU ms per rep, native / ours; medians {Summary.Of(reps.Select(i => nativeRuns[i].CpuMicroseconds / 1000.0)).Median:F0} / {Summary.Of(reps.Select(i => ourCpu[i])).Median:F0})"));

        sink.Check("media.same_positions_as_native", reps.All(i => nativeRuns[i].Positions == ourRuns[i].Usage.PromptTokens && nativeRuns[i].MediaTokens == ourRuns[i].Usage.ImageTokens),
            string.Join(", ", reps.Select(i => $"{ourRuns[i].Usage.PromptTokens}/{nativeRuns[i].Positions} positions, {ourRuns[i].Usage.ImageTokens}/{nativeRuns[i].MediaTokens} image tokens")));
        sink.Check("media.same_reuse_as_native", reps.All(i => nativeRuns[i].Reused == ourRuns[i].Usage.CachedPromptTokens),
            string.Join(", ", reps.Select(i => $"{ourRuns[i].Usage.CachedPromptTokens}/{nativeRuns[i].Reused}")));
        // A one-token answer can reach the caller only in the final update, without its id (the client holds text that
        // may open a tool call, and bytes of an unfinished UTF-8 character): then its text is compared with the native
        // token's, where that is complete plain text.
        var tokenizer = ctx.Model.Tokenizer;
        bool? SameFirst(int i)
        {
            var (ours, first) = (ourRuns[i], nativeRuns[i].First);
            if (ours.Tokens.Count > 0)
            {
                return ours.Tokens[0] == first;
            }

            var piece = tokenizer.Detokenize([first]);
            return tokenizer.IsSpecial(first) || piece.Contains('\uFFFD', StringComparison.Ordinal) ? null : ours.Text == piece;
        }

        var compared = reps.Select(SameFirst).Where(x => x is not null).ToList();
        sink.Check("media.first_token_matches_native", compared.Count > 0 && compared.All(x => x == true), string.Create(CultureInfo.InvariantCulture,
            $"{compared.Count(x => x == true)} of {compared.Count} comparable reps ({reps.Count - compared.Count} first tokens were special or part of a character): ")
            + string.Join(", ", reps.Select(i => ourRuns[i].Tokens.Count > 0 ? $"{ourRuns[i].Tokens[0]}/{nativeRuns[i].First}" : $"'{ourRuns[i].Text}'/{nativeRuns[i].First}")));

        // Encode time alone: ours as the engine measured it in the reps above; native, mtmd_encode_chunk of the same pictures.
        var ourEncodes = reps.Select(i => ourRuns[i].Usage.MediaEncodeTime.TotalMilliseconds).ToList();
        var nativeEncodes = new List<double>();
        foreach (var i in reps.Take(Math.Min(reps.Count, 3)))
        {
            await native.SetMediaAsync(ImageFile(i));
            nativeEncodes.Add((await native.EncodeAsync()).Microseconds / 1000.0);
        }

        var tokens = reps.Count > 0 ? ourRuns[reps[0]].Usage.ImageTokens : 0;
        sink.Result("ms.image.encode.chatclient", Summary.Of(ourEncodes).Median);
        sink.Result("ms.image.encode.native", Summary.Of(nativeEncodes).Median);
        sink.Spread("ms.image.encode.chatclient", Summary.Of(ourEncodes), string.Create(CultureInfo.InvariantCulture, $"tokens={tokens}"));
        sink.Spread("ms.image.encode.native", Summary.Of(nativeEncodes), string.Create(CultureInfo.InvariantCulture, $"tokens={tokens}"));
    }

    private static async Task AudioAsync(BenchmarkContext ctx, NativeMtmdLoop native, string dir)
    {
        var sink = ctx.Sink;
        var reps = Math.Min(ctx.Plan.MediaPairs, 3);
        string AudioFile(int rep)
        {
            var path = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"audio{rep}.wav"));
            if (!File.Exists(path))
            {
                File.WriteAllBytes(path, TestMedia.Wav(AudioSeconds, seed: 8000 + rep));
            }

            return path;
        }

        var tokens = 0;
        async Task<SideValue> Native(int rep)
        {
            await native.SetMediaAsync(AudioFile(rep));
            var (us, n) = await native.EncodeAsync();
            tokens = n;
            return new SideValue(us / 1000.0, n > 0, $"{n} audio tokens");
        }

        async Task<SideValue> Ours(int rep)
        {
            var r = await StreamRecord.RunAsync(ctx.Client,
                [new ChatMessage(ChatRole.User, [new DataContent(File.ReadAllBytes(AudioFile(rep)), "audio/wav"), new TextContent("Transcribe this.")])],
                StreamRecord.Greedy(1), ctx.CancellationToken);
            return new SideValue(r.Usage.MediaEncodeTime.TotalMilliseconds, r.Usage.AudioTokens > 0, $"{r.Usage.AudioTokens} audio tokens");
        }

        sink.Info(string.Create(CultureInfo.InvariantCulture, $"media: encode of {AudioSeconds} s of audio (WAV, 16 kHz), {reps} pairs"));
        var outcome = await ctx.Runner.RunAsync("media.audio", reps, alternate: true, Native, Ours, (n, o) => n / o, ("native", "chatclient", "ms"));
        sink.Result("ms.audio10s.encode.chatclient", outcome.B.Median);
        sink.Result("ms.audio10s.encode.native", outcome.A.Median);
        sink.Spread("ms.audio10s.encode.chatclient", outcome.B, string.Create(CultureInfo.InvariantCulture, $"tokens={tokens}"));
        sink.Spread("ms.audio10s.encode.native", outcome.A, string.Create(CultureInfo.InvariantCulture, $"tokens={tokens} {outcome.Detail}"));
    }
}
