using System.Numerics.Tensors;
using Gemma4.AI;
using Microsoft.Extensions.AI;

namespace Gemma4.Rag;

/// <summary>A chunk and its cosine similarity to a question.</summary>
internal sealed record ScoredChunk(StoredChunk Chunk, float Score);

/// <summary>Brute-force cosine search over every stored vector (fast enough for thousands of chunks).</summary>
internal sealed class Retriever(IReadOnlyList<StoredChunk> chunks, Gemma4EmbeddingGenerator embedder)
{
    private static readonly EmbeddingGenerationOptions QueryTask = new()
    {
        RawRepresentationFactory = _ => new Gemma4EmbeddingRequestOptions { Task = Gemma4EmbeddingTask.Query },
    };

    /// <summary>Every chunk, most similar to the question first.</summary>
    public async Task<List<ScoredChunk>> RankAsync(string question, CancellationToken cancellationToken)
    {
        var query = (await embedder.GenerateAsync([question], QueryTask, cancellationToken))[0].Vector;
        return [.. chunks
            .Select(c => new ScoredChunk(c, TensorPrimitives.CosineSimilarity(query.Span, c.Vector)))
            .OrderByDescending(s => s.Score)];
    }

    /// <summary>Each document's score: that of its best chunk.</summary>
    public static Dictionary<string, float> DocumentScores(IEnumerable<ScoredChunk> ranked)
    {
        var scores = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var s in ranked)
        {
            scores.TryAdd(s.Chunk.DocumentPath, s.Score); // ranked best first: the first seen is the best
        }

        return scores;
    }
}
