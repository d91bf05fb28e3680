using System.Text.Json;
using Json.Schema;

namespace Gemma4.AI.IntegrationTests.Support;

/// <summary>Validates JSON against a JSON schema with JsonSchema.Net (formats asserted).</summary>
internal static class SchemaAssert
{
    private static readonly EvaluationOptions Options = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };

    public static void Valid(JsonElement schema, JsonElement instance, string context)
    {
        var result = JsonSchema.FromText(schema.GetRawText()).Evaluate(instance, Options);
        if (!result.IsValid)
        {
            var errors = string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
            Assert.Fail($"{context}: {instance.GetRawText()} is not valid: {errors}");
        }
    }
}
