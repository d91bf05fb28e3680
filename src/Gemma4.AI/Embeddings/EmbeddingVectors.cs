namespace Gemma4.AI.Embeddings;

/// <summary>Post-processing of pooled vectors: Matryoshka truncation and L2 normalisation.</summary>
internal static class EmbeddingVectors
{
    /// <summary>The first <paramref name="dimensions"/> values of <paramref name="pooled"/>, scaled to unit length when asked.</summary>
    /// <remarks>The norm is summed in double, in order, so the result depends only on the input values. A zero vector stays zero.</remarks>
    public static float[] Finish(ReadOnlySpan<float> pooled, int dimensions, bool normalize)
    {
        var result = pooled[..dimensions].ToArray();
        if (!normalize)
        {
            return result;
        }

        double sum = 0;
        foreach (var v in result)
        {
            sum += (double)v * v;
        }

        if (sum > 0)
        {
            var scale = 1.0 / Math.Sqrt(sum);
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = (float)(result[i] * scale);
            }
        }

        return result;
    }
}
