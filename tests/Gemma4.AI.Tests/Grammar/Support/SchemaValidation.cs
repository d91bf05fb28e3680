using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Gemma4.AI.Tests.Grammar.Support;

/// <summary>Validates instances against a schema with JsonSchema.Net, formats asserted.</summary>
/// <remarks>
/// <c>time</c> accepts a missing offset: .NET writes <c>TimeOnly</c> without one (and declares it <c>format: time</c>), so
/// the grammar allows both. Note that JsonSchema.Net counts string lengths in grapheme clusters, not code points as the
/// specification says; tests that sample random escapes avoid <c>minLength</c> for that reason.
/// </remarks>
internal static partial class SchemaValidation
{
    private static readonly EvaluationOptions Options = CreateOptions();

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

    private static EvaluationOptions CreateOptions()
    {
        var options = new EvaluationOptions { RequireFormatValidation = true, OutputFormat = OutputFormat.List };
        options.FormatRegistry.Register(new PredicateFormat(
            "time", e => e.ValueKind != JsonValueKind.String || TimeRegex().IsMatch(e.GetString()!)));
        return options;
    }

    [GeneratedRegex(@"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$")]
    private static partial Regex TimeRegex();
}
