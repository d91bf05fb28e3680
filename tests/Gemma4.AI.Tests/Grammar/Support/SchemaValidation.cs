using System.Text.Json;
using Json.Schema;

namespace Gemma4.AI.Tests.Grammar.Support;

/// <summary>Validates instances against a schema with JsonSchema.Net (formats asserted).</summary>
internal static class SchemaValidation
{
    private static readonly EvaluationOptions Options = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };

    public static void AssertValid(JsonElement schema, JsonElement instance, string context)
    {
        var built = JsonSchema.FromText(schema.GetRawText());
        var result = built.Evaluate(instance, Options);
        if (!result.IsValid)
        {
            var errors = string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
            Assert.Fail($"Not valid against the schema: {context}\n{errors}");
        }
    }
}
