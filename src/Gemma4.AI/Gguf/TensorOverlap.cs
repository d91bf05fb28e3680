using System.Globalization;

namespace Gemma4.AI.Gguf;

/// <summary>
/// Finds tensors whose data overlap. Each tensor of a GGUF needs bytes of its own: an offset into another tensor's data
/// is a corrupt (or hostile) file that llama.cpp only refuses as "failed to load model".
/// </summary>
internal static class TensorOverlap
{
    /// <summary>A sentence naming the first two tensors whose data overlap, or null when none do.</summary>
    /// <remarks>Tensors of unknown size are skipped: the preflights report them on their own.</remarks>
    public static string? Describe(IEnumerable<GgufTensorInfo> tensors)
    {
        var extents = tensors
            .Where(t => t.ByteSize is > 0)
            .Select(t => (Start: t.Offset, End: t.Offset + t.ByteSize!.Value, Tensor: t))
            .OrderBy(e => e.Start)
            .ToList();
        for (var i = 1; i < extents.Count; i++)
        {
            var previous = extents[i - 1];
            var current = extents[i];
            if (current.Start < previous.End)
            {
                return string.Format(
                    CultureInfo.InvariantCulture,
                    "tensor '{0}' (data bytes {1:N0} to {2:N0}) overlaps tensor '{3}' (bytes {4:N0} to {5:N0}); every tensor needs its own data",
                    current.Tensor.Name, current.Start, current.End, previous.Tensor.Name, previous.Start, previous.End);
            }
        }

        return null;
    }
}
