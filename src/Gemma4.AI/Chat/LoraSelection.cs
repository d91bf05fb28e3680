using System.Collections;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Chat;

/// <summary>Reads <c>ChatOptions.AdditionalProperties["gemma4.lora"]</c> into adapters of the model (see <see cref="Gemma4ChatOptionsExtensions"/>).</summary>
internal static class LoraSelection
{
    private const string Forms =
        "a Gemma4LoraAdapter, a Gemma4AdapterScale, an adapter name (\"name\" or \"name:scale\"), a dictionary of names to scales, or a list of these";

    /// <summary>The adapters the property selects; null when it is absent.</summary>
    /// <exception cref="ArgumentException">The value has an unknown shape or names an adapter the model does not have.</exception>
    public static IList<Gemma4AdapterScale>? FromAdditionalProperties(AdditionalPropertiesDictionary? properties, Gemma4Model model)
    {
        if (properties is null || !properties.TryGetValue(Gemma4ChatOptionsExtensions.LoraKey, out var value) || value is null)
        {
            return null;
        }

        var result = new List<Gemma4AdapterScale>();
        Add(value, model, result, depth: 0);
        return result;
    }

    private static void Add(object value, Gemma4Model model, List<Gemma4AdapterScale> result, int depth)
    {
        switch (value)
        {
            case Gemma4AdapterScale scaled:
                result.Add(scaled);
                break;
            case Gemma4LoraAdapter adapter:
                result.Add(new Gemma4AdapterScale(adapter));
                break;
            case string text:
                result.Add(FromText(text, model));
                break;
            case KeyValuePair<string, float> pair:
                result.Add(new Gemma4AdapterScale(Find(pair.Key, model), pair.Value));
                break;
            case KeyValuePair<string, double> pair:
                result.Add(new Gemma4AdapterScale(Find(pair.Key, model), (float)pair.Value));
                break;
            case KeyValuePair<string, object?> pair:
                result.Add(new Gemma4AdapterScale(Find(pair.Key, model), ToScale(pair.Value, pair.Key)));
                break;
            case JsonElement json:
                AddJson(json, model, result);
                break;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    var name = entry.Key as string ?? throw Invalid(entry.Key);
                    result.Add(new Gemma4AdapterScale(Find(name, model), ToScale(entry.Value, name)));
                }

                break;
            case IEnumerable items when depth == 0:
                foreach (var item in items)
                {
                    Add(item ?? throw Invalid(null), model, result, depth + 1);
                }

                break;
            default:
                throw Invalid(value);
        }
    }

    private static void AddJson(JsonElement json, Gemma4Model model, List<Gemma4AdapterScale> result)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.String:
                result.Add(FromText(json.GetString()!, model));
                break;
            case JsonValueKind.Array:
                foreach (var item in json.EnumerateArray())
                {
                    if (item.ValueKind is not (JsonValueKind.String or JsonValueKind.Object))
                    {
                        throw Invalid(item);
                    }

                    AddJson(item, model, result);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in json.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.Number)
                    {
                        throw new ArgumentException(
                            $"ChatOptions.AdditionalProperties[\"{Gemma4ChatOptionsExtensions.LoraKey}\"]: the scale of adapter '{property.Name}' must be a number; got {property.Value.ValueKind}.");
                    }

                    result.Add(new Gemma4AdapterScale(Find(property.Name, model), (float)property.Value.GetDouble()));
                }

                break;
            default:
                throw Invalid(json);
        }
    }

    /// <summary>"name" (scale 1) or "name:scale".</summary>
    private static Gemma4AdapterScale FromText(string text, Gemma4Model model)
    {
        var colon = text.LastIndexOf(':');
        if (colon > 0 && float.TryParse(text.AsSpan(colon + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var scale)
            && !model.TryGetAdapter(text, out _))
        {
            return new Gemma4AdapterScale(Find(text[..colon], model), scale);
        }

        return new Gemma4AdapterScale(Find(text, model));
    }

    private static Gemma4LoraAdapter Find(string name, Gemma4Model model)
    {
        if (model.TryGetAdapter(name, out var adapter))
        {
            return adapter;
        }

        var loaded = model.Adapters;
        throw new ArgumentException(
            $"ChatOptions.AdditionalProperties[\"{Gemma4ChatOptionsExtensions.LoraKey}\"] names LoRA adapter '{name}', which is not loaded for {model.ModelId}; "
            + (loaded.Count == 0 ? "no adapters are loaded." : "loaded: " + string.Join(", ", loaded.Select(a => $"'{a.Name}'")) + "."));
    }

    private static float ToScale(object? value, string name) => value switch
    {
        float f => f,
        double d => (float)d,
        int i => i,
        long l => l,
        decimal m => (float)m,
        JsonElement { ValueKind: JsonValueKind.Number } json => (float)json.GetDouble(),
        _ => throw new ArgumentException(
            $"ChatOptions.AdditionalProperties[\"{Gemma4ChatOptionsExtensions.LoraKey}\"]: the scale of adapter '{name}' must be a number; got {value?.GetType().Name ?? "null"}.",
            nameof(value)),
    };

    private static ArgumentException Invalid(object? value) => new(
        $"ChatOptions.AdditionalProperties[\"{Gemma4ChatOptionsExtensions.LoraKey}\"] holds {Describe(value)}; expected {Forms}.",
        nameof(value));

    private static string Describe(object? value) => value switch
    {
        null => "null",
        JsonElement json => $"a JSON {json.ValueKind}",
        _ => $"a {value.GetType().Name}",
    };
}
