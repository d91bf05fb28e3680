namespace Gemma4.AI.TestModels;

/// <summary>Which architecture a generated model has.</summary>
public enum TestModelKind
{
    /// <summary><c>general.architecture = gemma4</c>: the Gemma 4 chat model.</summary>
    Gemma4,

    /// <summary><c>general.architecture = gemma-embedding</c>: EmbeddingGemma.</summary>
    GemmaEmbedding,
}
