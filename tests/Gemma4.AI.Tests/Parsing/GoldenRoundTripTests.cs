using System.Globalization;
using System.Text.Json;
using Gemma4.AI.Parsing;
using Gemma4.AI.Tests.Formatting;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Parsing;

/// <summary>Every tool call the formatter renders in the golden set parses back to the same name and arguments.</summary>
public sealed class GoldenRoundTripTests
{
    public static TheoryData<string> CasesWithCalls()
    {
        var data = new TheoryData<string>();
        foreach (var name in GoldenCases.CaseNames())
        {
            if (GoldenCases.Messages(GoldenCases.Case(name)).SelectMany(m => m.Contents).OfType<FunctionCallContent>().Any())
            {
                data.Add(name);
            }
        }

        return data;
    }

    [Fact]
    public void TheGoldenSet_HasEnoughCasesWithCalls() => Assert.True(CasesWithCalls().Count >= 8);

    [Theory]
    [MemberData(nameof(CasesWithCalls))]
    public void RenderedCalls_ParseBackToTheSameNamesAndArguments(string name)
    {
        var expectedCalls = GoldenCases.Messages(GoldenCases.Case(name)).SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        var rendered = GoldenCases.ExpectedText(name, "small");

        var parsed = new List<FunctionCallContent>();
        var at = rendered.IndexOf("<|tool_call>", StringComparison.Ordinal);
        while (at >= 0)
        {
            // From a call on, the parser reads the run of calls and stops at the <|tool_response> that follows them.
            var calls = Gemma4OutputParser.Parse(rendered[at..]).OfType<FunctionCallContent>().ToList();
            Assert.NotEmpty(calls);
            parsed.AddRange(calls);
            for (var i = 0; i < calls.Count && at >= 0; i++)
            {
                at = rendered.IndexOf("<|tool_call>", at + 1, StringComparison.Ordinal);
            }
        }

        Assert.Equal(expectedCalls.Count, parsed.Count);
        for (var i = 0; i < parsed.Count; i++)
        {
            Assert.Null(parsed[i].Exception);
            Assert.Equal(expectedCalls[i].Name, parsed[i].Name);
            var expected = JsonSerializer.SerializeToElement(expectedCalls[i].Arguments ?? new Dictionary<string, object?>());
            var actual = JsonSerializer.SerializeToElement(parsed[i].Arguments);
            Assert.True(SameJson(expected, actual), $"call {i} of {name}: expected {expected}, parsed {actual}");
        }
    }

    private static bool SameJson(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number)
        {
            return double.Parse(a.GetRawText(), CultureInfo.InvariantCulture) == double.Parse(b.GetRawText(), CultureInfo.InvariantCulture);
        }

        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        return a.ValueKind switch
        {
            JsonValueKind.Object => a.EnumerateObject().Count() == b.EnumerateObject().Count()
                && a.EnumerateObject().All(p => b.TryGetProperty(p.Name, out var v) && SameJson(p.Value, v)),
            JsonValueKind.Array => a.GetArrayLength() == b.GetArrayLength()
                && a.EnumerateArray().Zip(b.EnumerateArray()).All(x => SameJson(x.First, x.Second)),
            JsonValueKind.String => a.GetString() == b.GetString(),
            _ => true,
        };
    }
}
