namespace Gemma4.AI.Hosting;

/// <summary>What a registration uses its model for; chat needs a generation context, embeddings do not.</summary>
internal enum Gemma4ModelKind
{
    /// <summary>An <see cref="Microsoft.Extensions.AI.IChatClient"/>.</summary>
    Chat,

    /// <summary>An <see cref="Microsoft.Extensions.AI.IEmbeddingGenerator{TInput, TEmbedding}"/>.</summary>
    Embedding,
}
