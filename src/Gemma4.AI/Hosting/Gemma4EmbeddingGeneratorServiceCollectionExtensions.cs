using Gemma4.AI;
using Gemma4.AI.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a Gemma 4 <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> in a service collection.</summary>
/// <remarks>
/// <para>Each method wraps MEAI's <c>AddEmbeddingGenerator</c>/<c>AddKeyedEmbeddingGenerator</c> (a singleton) and returns
/// its <see cref="EmbeddingGeneratorBuilder{TInput, TEmbedding}"/>, so middleware chains on (<c>.UseOpenTelemetry()</c>,
/// <c>.UseLogging()</c>, <c>.UseDistributedCache()</c>).</para>
/// <para>The model is shared as for <c>AddGemma4ChatClient</c>: registrations whose <see cref="Gemma4ModelOptions"/> are
/// equal share one loaded <see cref="Gemma4Model"/> (a chat model serves embeddings too), loaded when the host starts
/// and disposed with the container; each generator keeps its own embedding context over the shared weights, created
/// when the host starts too, so a setting the model rules out (<see cref="Gemma4EmbeddingGeneratorOptions.Dimensions"/>
/// wider than the model) stops start-up with a message naming its configuration key. Options are validated at
/// start-up, and <see cref="Gemma4HealthCheck"/> reports the model.</para>
/// <para>Remote: when the section's <c>Remote</c> names an endpoint (a vLLM or llama-server pooling server, Ollama, any
/// OpenAI-compatible <c>/v1/embeddings</c>), the same call registers a <see cref="Gemma4RemoteEmbeddingGenerator"/>
/// with the generator settings that apply remotely (task prompt, dimensions, normalisation, truncation).</para>
/// </remarks>
public static class Gemma4EmbeddingGeneratorServiceCollectionExtensions
{
    // The MEAI service each Add… registers, tracked so registering the same key again can remove it.
    private static readonly Type Service = typeof(IEmbeddingGenerator<string, Embedding<float>>);

    /// <summary>Registers a Gemma 4 embedding generator whose model options are set in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configureModel">Sets the model options (at least <see cref="Gemma4ModelOptions.ModelPath"/>).</param>
    /// <param name="configureGenerator">Sets the generator options; <see cref="Gemma4EmbeddingGeneratorOptions.OwnsModel"/> is ignored (the container owns the model).</param>
    /// <returns>The builder of the registered generator's pipeline.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddGemma4EmbeddingGenerator(
        this IServiceCollection services,
        Action<Gemma4ModelOptions> configureModel,
        Action<Gemma4EmbeddingGeneratorOptions>? configureGenerator = null)
    {
        var registration = Gemma4ServiceRegistrar.Add(services, Gemma4ModelKind.Embedding, null, configureModel, configureGenerator);
        AddValidation(services, registration);
        return Gemma4ServiceRegistrar.Track(services, registration, Service, services.AddEmbeddingGenerator(sp => CreateGenerator(sp, registration)));
    }

    /// <summary>Registers a Gemma 4 embedding generator bound from a configuration section such as <c>"Gemma4": { "ModelPath": … }</c>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section: <see cref="Gemma4ModelOptions"/> settings, with <see cref="Gemma4EmbeddingGeneratorOptions"/> settings in its <c>Embeddings</c> sub-section; unknown keys fail validation.</param>
    /// <param name="configureGenerator">Sets generator options after binding.</param>
    /// <returns>The builder of the registered generator's pipeline.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddGemma4EmbeddingGenerator(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<Gemma4EmbeddingGeneratorOptions>? configureGenerator = null)
    {
        var registration = Gemma4ServiceRegistrar.Add(services, Gemma4ModelKind.Embedding, null, configuration, configureGenerator);
        AddValidation(services, registration);
        return Gemma4ServiceRegistrar.Track(services, registration, Service, services.AddEmbeddingGenerator(sp => CreateGenerator(sp, registration)));
    }

    /// <summary>Registers a Gemma 4 embedding generator under a service key, with model options set in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key to resolve the generator with.</param>
    /// <param name="configureModel">Sets the model options (at least <see cref="Gemma4ModelOptions.ModelPath"/>).</param>
    /// <param name="configureGenerator">Sets the generator options; <see cref="Gemma4EmbeddingGeneratorOptions.OwnsModel"/> is ignored.</param>
    /// <returns>The builder of the registered generator's pipeline.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedGemma4EmbeddingGenerator(
        this IServiceCollection services,
        object serviceKey,
        Action<Gemma4ModelOptions> configureModel,
        Action<Gemma4EmbeddingGeneratorOptions>? configureGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        var registration = Gemma4ServiceRegistrar.Add(services, Gemma4ModelKind.Embedding, serviceKey, configureModel, configureGenerator);
        AddValidation(services, registration);
        return Gemma4ServiceRegistrar.Track(services, registration, Service, services.AddKeyedEmbeddingGenerator(serviceKey, sp => CreateGenerator(sp, registration)));
    }

    /// <summary>Registers a Gemma 4 embedding generator under a service key, bound from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key to resolve the generator with.</param>
    /// <param name="configuration">The section: <see cref="Gemma4ModelOptions"/> settings, with <see cref="Gemma4EmbeddingGeneratorOptions"/> settings in its <c>Embeddings</c> sub-section.</param>
    /// <param name="configureGenerator">Sets generator options after binding.</param>
    /// <returns>The builder of the registered generator's pipeline.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedGemma4EmbeddingGenerator(
        this IServiceCollection services,
        object serviceKey,
        IConfiguration configuration,
        Action<Gemma4EmbeddingGeneratorOptions>? configureGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        var registration = Gemma4ServiceRegistrar.Add(services, Gemma4ModelKind.Embedding, serviceKey, configuration, configureGenerator);
        AddValidation(services, registration);
        return Gemma4ServiceRegistrar.Track(services, registration, Service, services.AddKeyedEmbeddingGenerator(serviceKey, sp => CreateGenerator(sp, registration)));
    }

    private static void AddValidation(IServiceCollection services, Gemma4ModelRegistration registration)
    {
        services.AddSingleton<IValidateOptions<Gemma4EmbeddingGeneratorOptions>>(
            new Gemma4ClientOptionsValidator<Gemma4EmbeddingGeneratorOptions>(registration, Gemma4ServiceRegistrar.EmbeddingsSection, static o => o.Validate()));
        services.AddOptions<Gemma4EmbeddingGeneratorOptions>(registration.OptionsName).ValidateOnStart();
    }

    private static IEmbeddingGenerator<string, Embedding<float>> CreateGenerator(IServiceProvider services, Gemma4ModelRegistration registration)
    {
        var options = services.GetRequiredService<IOptionsMonitor<Gemma4EmbeddingGeneratorOptions>>().Get(registration.OptionsName).Clone();
        if (Gemma4RemoteRegistration.CreateEmbeddingGenerator(services, registration, options) is { } remote)
        {
            return remote;
        }

        var model = services.GetRequiredService<Gemma4ModelRegistry>().GetModel(registration);
        options.OwnsModel = false; // the registry owns it: other registrations may share it
        try
        {
            return new Gemma4EmbeddingGenerator(model, options);
        }
        catch (ArgumentException ex)
        {
            // A setting that only the loaded model can check (Dimensions wider than the model): name its configuration key,
            // as start-up validation does, rather than blame the constructor's parameter.
            throw new OptionsValidationException(
                registration.OptionsName, typeof(Gemma4EmbeddingGeneratorOptions), [Gemma4OptionsErrors.Describe(registration, Gemma4ServiceRegistrar.EmbeddingsSection, ex)]);
        }
    }
}
