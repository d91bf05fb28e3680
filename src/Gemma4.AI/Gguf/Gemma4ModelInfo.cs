namespace Gemma4.AI.Gguf;

/// <summary>What the rest of the library needs to know about a Gemma 4 GGUF, read from its header.</summary>
internal sealed record Gemma4ModelInfo
{
    public const string Gemma4Architecture = "gemma4";
    public const string EmbeddingArchitecture = "gemma-embedding";

    public required string FilePath { get; init; }

    public required long FileLength { get; init; }

    /// <summary><c>gemma4</c> or <c>gemma-embedding</c>.</summary>
    public required string Architecture { get; init; }

    public bool IsEmbeddingModel => Architecture == EmbeddingArchitecture;

    /// <summary><c>general.name</c>, if present.</summary>
    public string? Name { get; init; }

    /// <summary>The training context length (<c>{arch}.context_length</c>).</summary>
    public required int ContextLength { get; init; }

    public required int EmbeddingLength { get; init; }

    public required int BlockCount { get; init; }

    /// <summary>Query heads per layer.</summary>
    public required IReadOnlyList<int> HeadCount { get; init; }

    /// <summary>Key/value heads per layer.</summary>
    public required IReadOnlyList<int> HeadCountKv { get; init; }

    /// <summary>Head dimension of global (full-attention) layers.</summary>
    public required int KeyLength { get; init; }

    /// <summary>Head dimension of sliding-window layers (equals <see cref="KeyLength"/> for the embedding model).</summary>
    public required int KeyLengthSwa { get; init; }

    public required int SlidingWindow { get; init; }

    /// <summary>Per layer: true when the layer uses sliding-window attention.</summary>
    public required IReadOnlyList<bool> SlidingWindowPattern { get; init; }

    /// <summary>Per-layer embedding width (<c>embedding_length_per_layer_input</c>; 0 when the model has none).</summary>
    public int EmbeddingLengthPerLayer { get; init; }

    /// <summary>Trailing layers that reuse an earlier layer's KV cache.</summary>
    public int SharedKvLayers { get; init; }

    public required int VocabSize { get; init; }

    public required int BosTokenId { get; init; }

    public int? EosTokenId { get; init; }

    public int? PadTokenId { get; init; }

    /// <summary><c>tokenizer.chat_template</c>, if present.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary><c>general.file_type</c> (llama_ftype), if present.</summary>
    public uint? FileType { get; init; }

    /// <summary>A readable quantization name: from <c>general.file_type</c>, else the type holding most tensor bytes.</summary>
    public required string Quantization { get; init; }

    /// <summary>Total bytes of tensor data in this file.</summary>
    public required long TensorBytes { get; init; }

    /// <summary><c>{arch}.pooling_type</c> (embedding model), if present.</summary>
    public int? PoolingType { get; init; }
}
