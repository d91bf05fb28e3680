namespace Gemma4.AI.Benchmarks.Figures;

/// <summary>
/// Embeddings through our engine vs LLamaSharp's <c>LLamaEmbedder</c> (which builds a context per call):
/// <c>RESULT ratio.embeddings_vs_llamaembedder</c>.
/// </summary>
/// <remarks>The place for the embedding benchmark; it runs after the chat figures, with the same context object.</remarks>
internal static class EmbeddingsFigure
{
    public static Task RunAsync(BenchmarkContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        // TODO(issue 6, embeddings): a colleague adds the paired Gemma4EmbeddingGenerator vs LLamaEmbedder measurement here.
        ctx.Sink.Result("ratio.embeddings_vs_llamaembedder", double.NaN);
        ctx.Sink.Note("embeddings: not measured yet (the embedding benchmark is pending)");
        return Task.CompletedTask;
    }
}
