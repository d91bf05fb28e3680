using System.Text.Json;
using Gemma4.AI.Embeddings;
using Gemma4.AI.Remote;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Gemma4.AI;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over a remote engine's embeddings endpoint (vLLM or
/// llama-server running EmbeddingGemma in pooling mode, Ollama's <c>/api/embed</c>, any OpenAI-compatible
/// <c>/v1/embeddings</c>), producing the vectors <see cref="Gemma4EmbeddingGenerator"/> would.
/// </summary>
/// <remarks>
/// <para>As in-process: the task prompt (<see cref="Gemma4EmbeddingGeneratorOptions.Task"/>/<c>TaskPrefix</c>, or a
/// <see cref="Gemma4EmbeddingRequestOptions"/> from RawRepresentationFactory) is put before each input here;
/// <see cref="EmbeddingGenerationOptions.Dimensions"/> (or the options' <c>Dimensions</c>) is sent to engines that
/// take it and the vectors are cut to it here too (Matryoshka); vectors are L2-normalised unless
/// <see cref="Gemma4EmbeddingGeneratorOptions.Normalize"/> is off; <see cref="Gemma4EmbeddingTruncation.Truncate"/>
/// lets Ollama truncate (other engines reject overlong inputs with an error). The in-process settings (batch size,
/// threads, parallel sequences) do not apply.</para>
/// <para>The endpoint is usually a second server (vLLM and llama-server serve embeddings from a separate instance), so
/// its registration has its own <c>Remote</c> section. Thread-safe.</para>
/// </remarks>
public sealed class Gemma4RemoteEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly RemoteConnection _connection;
    private readonly Gemma4EmbeddingGeneratorOptions _options;

    /// <summary>Creates a generator for the engine <paramref name="options"/> describe.</summary>
    /// <param name="options">Engine, endpoint, model, key and timeout; copied.</param>
    /// <param name="generatorOptions">Normalisation, dimensions, task prompt and truncation; null uses the defaults.</param>
    /// <param name="httpClient">The HttpClient to send with (not disposed); null creates one.</param>
    /// <param name="logger">Receives diagnostics.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public Gemma4RemoteEmbeddingGenerator(
        Gemma4RemoteOptions options,
        Gemma4EmbeddingGeneratorOptions? generatorOptions = null,
        HttpClient? httpClient = null,
        ILogger<Gemma4RemoteEmbeddingGenerator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = generatorOptions?.Clone() ?? new Gemma4EmbeddingGeneratorOptions();
        _options.Validate();
        _connection = new RemoteConnection(options, httpClient, logger);
    }

    /// <summary>The engine this generator talks to.</summary>
    public Gemma4RemoteEngine Engine => _connection.Options.Engine;

    /// <summary>The address requests go to.</summary>
    public Uri Endpoint => _connection.Transport.BaseAddress;

    /// <summary>The model asked for; null until known.</summary>
    public string? Model => _connection.Model;

    /// <summary>Asks the engine whether it serves the model.</summary>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>A one-line description of the engine and what it serves.</returns>
    /// <exception cref="Gemma4RemoteException">The engine cannot be reached or does not serve the model.</exception>
    public async Task<string> ProbeAsync(CancellationToken cancellationToken = default) =>
        (await _connection.ProbeAsync(cancellationToken).ConfigureAwait(false)).Description;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An input is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="EmbeddingGenerationOptions.Dimensions"/> is below 1.</exception>
    /// <exception cref="Gemma4RemoteException">The engine failed, or returned fewer vectors or dimensions than asked for.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var request = options?.RawRepresentationFactory?.Invoke(this) as Gemma4EmbeddingRequestOptions;
        var prefix = request?.TaskPrefix
            ?? (request?.Task is { } task ? EmbeddingTaskPrompts.For(task) : null)
            ?? _options.TaskPrefix
            ?? EmbeddingTaskPrompts.For(_options.Task);
        var dimensions = options?.Dimensions ?? _options.Dimensions;
        if (dimensions is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), dimensions, $"EmbeddingGenerationOptions.Dimensions must be at least 1; got {dimensions}.");
        }

        var inputs = new List<string>();
        foreach (var value in values)
        {
            inputs.Add(prefix + (value ?? throw new ArgumentException($"Input {inputs.Count} is null.", nameof(values))));
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Count);
        if (inputs.Count == 0)
        {
            return result;
        }

        var model = options?.ModelId ?? await _connection.GetModelAsync(cancellationToken).ConfigureAwait(false);
        var truncate = (request?.Truncation ?? _options.Truncation) == Gemma4EmbeddingTruncation.Truncate;
        var body = RemoteJson.ToBinary(_connection.Dialect.ToEmbeddingsRequest(inputs, model, dimensions, truncate));
        using var response = await _connection.Transport.EmbeddingsAsync(body, cancellationToken).ConfigureAwait(false);
        using var json = RemoteJson.ParseBody(response.Content, _connection.Dialect, _connection.Transport.BaseAddress);
        var embeddings = _connection.Dialect.ReadEmbeddings(json.RootElement);
        if (embeddings.Vectors.Count != inputs.Count)
        {
            throw Mismatch($"returned {embeddings.Vectors.Count} vector(s) for {inputs.Count} input(s)");
        }

        var createdAt = DateTimeOffset.UtcNow;
        foreach (var vector in embeddings.Vectors)
        {
            var width = dimensions ?? vector.Length;
            if (vector.Length < width)
            {
                throw Mismatch($"returned {vector.Length}-dimensional vectors; {width} dimensions were asked for");
            }

            // The engine may ignore "dimensions" (llama-server): cut here, then normalise, as the local generator does.
            result.Add(new Embedding<float>(EmbeddingVectors.Finish(vector, width, _options.Normalize))
            {
                ModelId = embeddings.ModelId ?? model,
                CreatedAt = createdAt,
            });
        }

        if (embeddings.InputTokens is { } tokens)
        {
            result.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        }

        return result;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata)
                ? new EmbeddingGeneratorMetadata(_connection.Dialect.ProviderName, _connection.Transport.BaseAddress, _connection.Model, _options.Dimensions)
            : serviceType == typeof(Gemma4RemoteOptions) ? _connection.Options.Clone()
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Disposes the HttpClient the generator created (one passed in is the caller's).</summary>
    public void Dispose() => _connection.Dispose();

    private Gemma4RemoteException Mismatch(string what) =>
        new($"{_connection.Dialect.DisplayName} at {_connection.Transport.BaseAddress} {what}.", Engine, _connection.Transport.BaseAddress);
}
