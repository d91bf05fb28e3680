namespace Gemma4.AI.Benchmarks.Embeddings;

/// <summary>Comparisons of embedding vectors.</summary>
internal static class VectorMath
{
    /// <summary>Cosine similarity, summed in double (1 for identical directions; normalisation does not matter).</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
