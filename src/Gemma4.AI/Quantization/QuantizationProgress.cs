using System.Text.RegularExpressions;
using Gemma4.AI.Gguf;

namespace Gemma4.AI.Quantization;

/// <summary>
/// Turns llama.cpp's per-tensor quantize log lines (<c>[  12/ 601] blk.1.attn_q.weight - [...], type = f16, converting
/// to q4_K .. size = ...</c>, one complete line per finished tensor) into progress: the share of the input's tensor bytes
/// done. llama.cpp's quantizer has no progress callback; its log is the only signal it gives while it runs.
/// </summary>
internal sealed partial class QuantizationProgress(GgufFile input, IProgress<float>? progress)
{
    // The last 1% covers writing the header, checking the output and moving it into place.
    private const float NativeShare = 0.99f;

    private readonly Dictionary<string, long> _bytes = input.Tensors
        .Where(t => t.ByteSize is not null)
        .GroupBy(t => t.Name, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First().ByteSize!.Value, StringComparer.Ordinal);

    private readonly long _total = Math.Max(1, input.Tensors.Sum(t => t.ByteSize ?? 0));
    private long _done;

    /// <summary>Tensors finished so far.</summary>
    public int TensorsDone { get; private set; }

    public void Report(float value) => progress?.Report(value);

    /// <summary>Called with every log line of the quantizing thread.</summary>
    public void OnLogLine(string line)
    {
        var match = TensorLine().Match(line);
        if (!match.Success)
        {
            return;
        }

        TensorsDone++;
        _done += _bytes.GetValueOrDefault(match.Groups["name"].Value);
        Report(NativeShare * Math.Min(1f, (float)((double)_done / _total)));
    }

    [GeneratedRegex(@"^\[\s*\d+/\s*\d+\]\s+(?<name>\S+)\s+-", RegexOptions.CultureInvariant)]
    private static partial Regex TensorLine();
}
