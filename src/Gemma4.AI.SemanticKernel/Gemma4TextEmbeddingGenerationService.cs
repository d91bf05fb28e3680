using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Embeddings;
using Microsoft.SemanticKernel.Services;

namespace Gemma4.AI.SemanticKernel;

// ITextEmbeddingGenerationService is [Obsolete] and [Experimental("SKEXP0001")] in Semantic Kernel 1.82 in favour of
// IEmbeddingGenerator, which Gemma4EmbeddingGenerator implements; we still offer it because existing SK code (memory
// stores, plugins, older samples) asks the kernel for this interface by name.
#pragma warning disable CS0618, SKEXP0001

/// <summary>
/// Semantic Kernel's <see cref="ITextEmbeddingGenerationService"/> over a <see cref="Gemma4EmbeddingGenerator"/> (or a
/// <see cref="Gemma4RemoteEmbeddingGenerator"/>), for code that still resolves the
/// pre-<see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> interface.
/// </summary>
/// <remarks>
/// Vectors, task prompts, dimensions and thread-safety are the generator's (see <see cref="Gemma4EmbeddingGenerator"/>).
/// The service does not own the generator: dispose the generator yourself (or let the DI container do it).
/// <see cref="Attributes"/> carries the model id and the vector width under Semantic Kernel's standard keys.
/// </remarks>
public sealed class Gemma4TextEmbeddingGenerationService : ITextEmbeddingGenerationService
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly EmbeddingGenerationOptions? _options;

    /// <summary>Creates the service over a generator.</summary>
    /// <param name="generator">The generator that computes the embeddings; not disposed by the service.</param>
    /// <param name="options">Options passed with every call (for example <see cref="EmbeddingGenerationOptions.Dimensions"/>, or a task prompt through <see cref="EmbeddingGenerationOptions.RawRepresentationFactory"/>); null uses the generator's defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is null.</exception>
    public Gemma4TextEmbeddingGenerationService(Gemma4EmbeddingGenerator generator, EmbeddingGenerationOptions? options = null)
        : this((IEmbeddingGenerator<string, Embedding<float>>)generator, options)
    {
    }

    /// <summary>Creates the service over any generator; the DI registration uses it for a <see cref="Gemma4RemoteEmbeddingGenerator"/>.</summary>
    internal Gemma4TextEmbeddingGenerationService(IEmbeddingGenerator<string, Embedding<float>> generator, EmbeddingGenerationOptions? options)
    {
        ArgumentNullException.ThrowIfNull(generator);
        _generator = generator;
        _options = options?.Clone();
        var metadata = (EmbeddingGeneratorMetadata)generator.GetService(typeof(EmbeddingGeneratorMetadata))!;
        Attributes = new Dictionary<string, object?>
        {
            [AIServiceExtensions.ModelIdKey] = metadata.DefaultModelId,
            [EmbeddingGenerationExtensions.DimensionsKey] = _options?.Dimensions ?? metadata.DefaultModelDimensions,
        }.AsReadOnly(); // not a Dictionary a caller could cast back and change
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object?> Attributes { get; }

    /// <summary>The generator this service calls: a <see cref="Gemma4EmbeddingGenerator"/> or a <see cref="Gemma4RemoteEmbeddingGenerator"/>.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> Generator => _generator;

    /// <inheritdoc />
    public async Task<IList<ReadOnlyMemory<float>>> GenerateEmbeddingsAsync(IList<string> data, Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var embeddings = await _generator.GenerateAsync(data, _options, cancellationToken).ConfigureAwait(false);
        var vectors = new ReadOnlyMemory<float>[embeddings.Count];
        for (var i = 0; i < vectors.Length; i++)
        {
            vectors[i] = embeddings[i].Vector;
        }

        return vectors;
    }
}

#pragma warning restore CS0618, SKEXP0001
