using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using LLama.Native;

namespace Gemma4.AI.Engine;

/// <summary>
/// The engine-side state of one request while it is queued or decoding. Only the decode thread touches it,
/// except <see cref="RequestCancel"/>.
/// </summary>
internal sealed class ActiveGeneration : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly Channel<GenerationUpdate> _output =
        Channel.CreateUnbounded<GenerationUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly Decoder _utf8 = StrictUtf8.GetDecoder();
    private readonly char[] _chars = new char[1024];
    private int _cancelRequested;
    private Utf8Guard _utf8Guard;

    public ActiveGeneration(GenerationRequest request)
    {
        Request = request;
        Stops = new StopSequenceMatcher(request.StopSequences);
    }

    public GenerationRequest Request { get; }

    public ChannelReader<GenerationUpdate> Reader => _output.Reader;

    public StopSequenceMatcher Stops { get; }

    public SequenceSlot? Slot { get; set; }

    public RequestSampler? Sampler { get; set; }

    /// <summary>Tokens still to decode before sampling: the prompt suffix, or the whole history after a lost cache.</summary>
    public int[] Pending { get; set; } = [];

    public int PendingOffset { get; set; }

    public int PendingCount => Pending.Length - PendingOffset;

    /// <summary>True once the prompt is decoded and the sequence generates one token per step.</summary>
    public bool IsGenerating { get; set; }

    /// <summary>The last sampled token, decoded at the next step.</summary>
    public int LastToken { get; set; }

    /// <summary>Index of this request's logits in the current batch, or -1.</summary>
    public int LogitsIndex { get; set; } = -1;

    /// <summary>How many tokens this request put in the current batch.</summary>
    public int TokensInBatch { get; set; }

    public int CachedPromptTokens { get; set; }

    /// <summary>The output's UTF-8 state, so the sampler keeps it valid.</summary>
    public ref Utf8Guard Utf8 => ref _utf8Guard;

    /// <summary>For a preempted request: the engine's finished-request count when it was preempted; -1 otherwise.</summary>
    public long ResumeAfter { get; set; } = -1;

    public int OutputTokens { get; set; }

    public long AdmittedAt { get; set; }

    public long FirstTokenAt { get; set; }

    /// <summary>Stopwatch ticks spent encoding this request's media.</summary>
    public long MediaEncodeTicks { get; set; }

    public bool CancelRequested => Volatile.Read(ref _cancelRequested) != 0;

    public bool IsFinished { get; private set; }

    /// <summary>Marks the request cancelled; the decode thread releases it at its next step.</summary>
    public bool RequestCancel() => Interlocked.Exchange(ref _cancelRequested, 1) == 0;

    /// <summary>Turns sampled bytes into text, keeping an incomplete UTF-8 sequence for the next token.</summary>
    public string DecodePiece(ReadOnlySpan<byte> bytes, bool flush)
    {
        if (flush && bytes.IsEmpty)
        {
            // Output that ends inside a character (a token limit) drops its partial bytes rather than add U+FFFD.
            _utf8.Reset();
            return string.Empty;
        }

        var n = _utf8.GetChars(bytes, _chars, flush);
        return n == 0 ? string.Empty : new string(_chars, 0, n);
    }

    public void Emit(string text, int token, bool isSpecial = false) =>
        _output.Writer.TryWrite(new GenerationUpdate(text, token, null, null, default) { IsSpecial = isSpecial });

    public void Finish(StopReason reason, int? stopToken, string finalText)
    {
        if (IsFinished)
        {
            return;
        }

        IsFinished = true;
        _output.Writer.TryWrite(new GenerationUpdate(finalText, -1, reason, stopToken, BuildUsage()));
        _output.Writer.TryComplete();
    }

    public void Fail(Exception error)
    {
        if (!IsFinished)
        {
            IsFinished = true;
            _output.Writer.TryComplete(error);
        }
    }

    public GenerationUsage BuildUsage()
    {
        var now = Stopwatch.GetTimestamp();
        var first = FirstTokenAt == 0 ? now : FirstTokenAt;
        return new GenerationUsage(
            Request.PromptTokens.Length,
            CachedPromptTokens,
            OutputTokens,
            Stopwatch.GetElapsedTime(AdmittedAt == 0 ? now : AdmittedAt, first),
            Stopwatch.GetElapsedTime(first, now))
        {
            ImageTokens = Request.Media.Spans.Where(s => s.Kind == Multimodal.MediaKind.Image).Sum(s => s.Length),
            AudioTokens = Request.Media.Spans.Where(s => s.Kind == Multimodal.MediaKind.Audio).Sum(s => s.Length),
            MediaEncodeTime = Stopwatch.GetElapsedTime(0, MediaEncodeTicks),
        };
    }

    public void Dispose()
    {
        // Only when the request is over: a preempted request keeps its sampler state (penalties, grammar) and media.
        Sampler?.Dispose();
        Sampler = null;
        Request.Media.Dispose();
    }
}
