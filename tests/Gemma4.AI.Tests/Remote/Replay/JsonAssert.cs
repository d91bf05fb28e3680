using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gemma4.AI.Tests.Remote.Replay;

/// <summary>Field-by-field comparison of JSON: the same keys at every level, equal values; <c>"&lt;any&gt;"</c> matches anything.</summary>
public static class JsonAssert
{
    public const string Any = "<any>";

    /// <summary>The differences between <paramref name="expected"/> and <paramref name="actual"/>, each naming its JSON path.</summary>
    public static List<string> Differences(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        var differences = new List<string>();
        Compare(expected, actual, path, differences);
        return differences;
    }

    private static void Compare(JsonNode? expected, JsonNode? actual, string path, List<string> differences)
    {
        if (expected is JsonValue any && any.TryGetValue<string>(out var marker) && marker == Any)
        {
            if (actual is null)
            {
                differences.Add($"{path}: expected a value, got nothing");
            }

            return;
        }

        switch (expected)
        {
            case null when actual is null:
                return;
            case JsonObject e when actual is JsonObject a:
                foreach (var (key, value) in e)
                {
                    if (!a.ContainsKey(key))
                    {
                        differences.Add($"{path}.{key}: expected {Show(value)}, but the field was not sent");
                    }
                    else
                    {
                        Compare(value, a[key], $"{path}.{key}", differences);
                    }
                }

                foreach (var (key, value) in a)
                {
                    if (!e.ContainsKey(key))
                    {
                        differences.Add($"{path}.{key}: sent {Show(value)}, which the engine's transcript does not have");
                    }
                }

                return;
            case JsonArray e when actual is JsonArray a:
                if (e.Count != a.Count)
                {
                    differences.Add($"{path}: expected {e.Count} items, sent {a.Count}: {Show(a)}");
                    return;
                }

                for (var i = 0; i < e.Count; i++)
                {
                    Compare(e[i], a[i], $"{path}[{i}]", differences);
                }

                return;
            case JsonValue e when actual is JsonValue a && Equal(e, a):
                return;
            default:
                differences.Add($"{path}: expected {Show(expected)}, sent {Show(actual)}");
                return;
        }
    }

    private static bool Equal(JsonValue expected, JsonValue actual)
    {
        var e = expected.GetValue<JsonElement>();
        var a = actual.GetValue<JsonElement>();
        return e.ValueKind == JsonValueKind.Number && a.ValueKind == JsonValueKind.Number
            ? e.GetDecimal() == a.GetDecimal()
            : JsonElement.DeepEquals(e, a);
    }

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";
}
