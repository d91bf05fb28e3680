using System.Text.Json;

namespace Gemma4.AI.Grammar;

/// <summary>Which JSON Schema keywords the grammar generator enforces, ignores as annotations, or refuses.</summary>
/// <remarks>Unknown keywords are annotations in JSON Schema, so they are ignored; only the validation keywords below that
/// the sampler cannot enforce are refused, so a caller never gets output that silently breaks the schema.</remarks>
internal static class SchemaKeywords
{
    /// <summary>Keywords that only describe: the generator skips them.</summary>
    public static readonly IReadOnlySet<string> Annotations = new HashSet<string>(StringComparer.Ordinal)
    {
        "$schema", "$id", "$anchor", "$dynamicAnchor", "$recursiveAnchor", "$comment", "$defs", "definitions", "$vocabulary",
        "title", "description", "default", "examples", "example", "readOnly", "writeOnly", "deprecated",
        "contentEncoding", "contentMediaType", "contentSchema", "discriminator", "xml", "externalDocs",
    };

    /// <summary>Validation keywords the grammar cannot enforce.</summary>
    private static readonly HashSet<string> Refused = new(StringComparer.Ordinal)
    {
        "pattern", "patternProperties", "not", "if", "then", "else", "dependentRequired", "dependentSchemas", "dependencies",
        "contains", "minContains", "maxContains", "multipleOf", "minProperties", "maxProperties",
        "$dynamicRef", "$recursiveRef",
    };

    /// <summary>Throws for the first keyword of <paramref name="schema"/> that the generator cannot enforce.</summary>
    /// <exception cref="NotSupportedException">Names the keyword and its JSON pointer.</exception>
    public static void ThrowIfRefused(JsonElement schema, string pointer)
    {
        foreach (var property in schema.EnumerateObject())
        {
            var refused = property.Name switch
            {
                "uniqueItems" => property.Value.ValueKind == JsonValueKind.True,

                // Without composition, unevaluatedProperties acts as additionalProperties (the converter reads it so).
                "unevaluatedProperties" => false,
                "unevaluatedItems" => !(property.Value.ValueKind == JsonValueKind.False || IsTrivial(property.Value)),
                "propertyNames" => !IsTrivial(property.Value),
                _ => Refused.Contains(property.Name),
            };

            if (refused)
            {
                throw Unsupported(property.Name, pointer + "/" + JsonPointer.Escape(property.Name));
            }
        }
    }

    /// <summary>Whether a subschema accepts everything: <c>true</c> or <c>{}</c>.</summary>
    public static bool IsTrivial(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.True || (schema.ValueKind == JsonValueKind.Object && !schema.EnumerateObject().Any());

    /// <summary>The exception for a feature the generator does not support, naming it and where it is.</summary>
    public static NotSupportedException Unsupported(string feature, string pointer, string? detail = null) =>
        new($"JSON Schema feature '{feature}' at '{JsonPointer.Display(pointer)}' is not supported by the Gemma 4 grammar generator"
            + (detail is null ? "." : ": " + detail + ".")
            + " Constrained sampling can only produce what it can enforce; remove the feature or use a plain JSON response format.");
}
