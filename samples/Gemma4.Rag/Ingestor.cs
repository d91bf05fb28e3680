using System.Security.Cryptography;
using System.Text;
using Gemma4.AI;
using Gemma4.Samples;
using Microsoft.Extensions.AI;

namespace Gemma4.Rag;

/// <summary>Reads a folder of .txt/.md files, embeds new or changed ones with the Document task, and stores them.</summary>
internal static class Ingestor
{
    private static readonly EmbeddingGenerationOptions DocumentTask = new()
    {
        RawRepresentationFactory = _ => new Gemma4EmbeddingRequestOptions { Task = Gemma4EmbeddingTask.Document },
    };

    public static async Task IngestAsync(string folder, DocumentStore store, Gemma4EmbeddingGenerator embedder, CancellationToken cancellationToken)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        var maxTokens = embedder.MaxInputTokens;
        int added = 0, unchanged = 0, chunked = 0, chunks = 0;
        using (var bar = new ProgressBar("Embedding documents"))
        {
            for (var i = 0; i < files.Count; i++)
            {
                bar.Report(i, files.Count);
                var path = Path.GetRelativePath(folder, files[i]);
                var text = await File.ReadAllTextAsync(files[i], cancellationToken);
                var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
                if (store.HashOf(path) == hash)
                {
                    unchanged++;
                    continue;
                }

                var parts = Chunker.Split(text, maxTokens, t => embedder.CountTokens(t, new Gemma4EmbeddingRequestOptions { Task = Gemma4EmbeddingTask.Document }));
                var vectors = await embedder.GenerateAsync(parts, DocumentTask, cancellationToken);
                store.Save(path, hash, text, parts, [.. vectors.Select(v => v.Vector)]);
                added++;
                chunks += parts.Count;
                chunked += parts.Count > 1 ? 1 : 0;
            }

            bar.Report(files.Count, files.Count);
        }

        var removed = store.RemoveAllBut(files.Select(f => Path.GetRelativePath(folder, f)).ToHashSet(StringComparer.Ordinal));
        Console.WriteLine($"Ingested {added} documents ({chunks} vectors; {chunked} longer than {maxTokens} tokens were chunked), {unchanged} unchanged, {removed} removed.");
    }
}
