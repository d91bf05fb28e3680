namespace Gemma4.AI.Embeddings;

/// <summary>EmbeddingGemma's task prompts, as its model card gives them.</summary>
internal static class EmbeddingTaskPrompts
{
    public static string For(Gemma4EmbeddingTask task) => task switch
    {
        Gemma4EmbeddingTask.None => string.Empty,
        Gemma4EmbeddingTask.Query => "task: search result | query: ",
        Gemma4EmbeddingTask.Document => "title: none | text: ",
        Gemma4EmbeddingTask.QuestionAnswering => "task: question answering | query: ",
        Gemma4EmbeddingTask.FactChecking => "task: fact checking | query: ",
        Gemma4EmbeddingTask.Classification => "task: classification | query: ",
        Gemma4EmbeddingTask.Clustering => "task: clustering | query: ",
        Gemma4EmbeddingTask.SemanticSimilarity => "task: sentence similarity | query: ",
        Gemma4EmbeddingTask.CodeRetrieval => "task: code retrieval | query: ",
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, $"Unknown Gemma4EmbeddingTask {task}."),
    };
}
