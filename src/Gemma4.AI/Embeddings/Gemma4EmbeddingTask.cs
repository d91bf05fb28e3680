namespace Gemma4.AI;

/// <summary>
/// The task prompts EmbeddingGemma was trained with; the prompt is put in front of each input before it is tokenized.
/// </summary>
/// <remarks>
/// EmbeddingGemma's model card asks for <see cref="Query"/> on search queries and <see cref="Document"/> on the
/// documents searched; vectors of the two are meant to be compared with each other. <see cref="None"/> embeds the text
/// as it is (use it for Gemma 4 generative models, which know no task prompts).
/// </remarks>
public enum Gemma4EmbeddingTask
{
    /// <summary>No prompt: the text is embedded as it is.</summary>
    None = 0,

    /// <summary>A search query: <c>"task: search result | query: "</c>.</summary>
    Query,

    /// <summary>A document to be found by queries, without a title: <c>"title: none | text: "</c>.</summary>
    Document,

    /// <summary>A question to answer: <c>"task: question answering | query: "</c>.</summary>
    QuestionAnswering,

    /// <summary>A claim to check: <c>"task: fact checking | query: "</c>.</summary>
    FactChecking,

    /// <summary>Text to classify: <c>"task: classification | query: "</c>.</summary>
    Classification,

    /// <summary>Text to cluster: <c>"task: clustering | query: "</c>.</summary>
    Clustering,

    /// <summary>Text compared for meaning: <c>"task: sentence similarity | query: "</c>.</summary>
    SemanticSimilarity,

    /// <summary>A natural-language query for code: <c>"task: code retrieval | query: "</c>.</summary>
    CodeRetrieval,
}
