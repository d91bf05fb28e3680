using Microsoft.Extensions.AI;

namespace Gemma4.AI;

/// <summary>Gemma 4 settings carried in <see cref="ChatOptions.AdditionalProperties"/>.</summary>
/// <remarks>
/// <para><see cref="LoraKey"/> (<c>"gemma4.lora"</c>) selects LoRA adapters for one request. Its value may be a
/// <see cref="Gemma4LoraAdapter"/>, a <see cref="Gemma4AdapterScale"/>, an adapter name (<c>"medical"</c>, or
/// <c>"medical:0.5"</c> with a scale), a dictionary of names to scales, a list of any of these, or the same shapes as
/// a <see cref="System.Text.Json.JsonElement"/> (a string, an array, or an object of names to numbers), so JSON
/// requests can carry it. An empty list runs the base model. Names refer to adapters loaded for the client's model.</para>
/// <para>It applies when <see cref="Gemma4GenerationOptions.Adapters"/> (from <c>RawRepresentationFactory</c>) is null,
/// and wins over the client's default adapters.</para>
/// </remarks>
public static class Gemma4ChatOptionsExtensions
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key that selects LoRA adapters.</summary>
    public const string LoraKey = "gemma4.lora";

    /// <summary>Adds a LoRA adapter to the request's <see cref="LoraKey"/> list.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="adapter">An adapter loaded for the client's model.</param>
    /// <param name="scale">Its scale (1 = as trained).</param>
    /// <returns><paramref name="options"/>.</returns>
    public static ChatOptions AddGemma4LoraAdapter(this ChatOptions options, Gemma4LoraAdapter adapter, float scale = 1f)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        return Add(options, new Gemma4AdapterScale(adapter, scale));
    }

    /// <summary>Adds a LoRA adapter, by the name it was loaded under, to the request's <see cref="LoraKey"/> list.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="adapterName">The <see cref="Gemma4LoraAdapter.Name"/> of an adapter loaded for the client's model.</param>
    /// <param name="scale">Its scale (1 = as trained).</param>
    /// <returns><paramref name="options"/>.</returns>
    public static ChatOptions AddGemma4LoraAdapter(this ChatOptions options, string adapterName, float scale = 1f)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(adapterName);
        return Add(options, new KeyValuePair<string, float>(adapterName, scale));
    }

    private static ChatOptions Add(ChatOptions options, object entry)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AdditionalProperties ??= [];
        switch (options.AdditionalProperties.TryGetValue(LoraKey, out var existing) ? existing : null)
        {
            case List<object> list:
                list.Add(entry);
                break;
            case null:
                options.AdditionalProperties[LoraKey] = new List<object> { entry };
                break;
            case var other:
                options.AdditionalProperties[LoraKey] = new List<object> { other, entry };
                break;
        }

        return options;
    }
}
