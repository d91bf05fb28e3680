using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>ResponseFormat through Gemma4ChatClient: the output always parses and validates, on a model of noise.</summary>
public sealed class StructuredOutputTests(TinyChatModel fixture) : IClassFixture<TinyChatModel>
{
    private const int Runs = 100;

    public static TheoryData<string> Schemas() =>
    [
        """{"type":"object","properties":{"name":{"type":"string","maxLength":10},"age":{"type":"integer","minimum":0,"maximum":120}},"required":["name","age"]}""",
        """{"type":"object","properties":{"user":{"type":"object","properties":{"id":{"type":"integer"},"email":{"type":["string","null"],"maxLength":12}},"required":["id"]},"active":{"type":"boolean"}},"required":["user","active"]}""",
        """{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string","maxLength":5},"qty":{"type":"integer","minimum":1,"maximum":9}},"required":["sku","qty"]},"maxItems":3}""",
        """{"type":"object","properties":{"color":{"enum":["red","green","blue"]},"shade":{"enum":[1,2,3,null]}},"required":["color"]}""",
        """{"type":"object","properties":{"a":{"type":"string","maxLength":3},"b":{"type":"number"},"c":{"type":"boolean"},"d":{"type":"null"}}}""",
        """{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string","maxLength":4},"minItems":1,"maxItems":5},"scores":{"type":"array","items":{"type":"number","minimum":0,"maximum":10},"maxItems":3}},"required":["tags"]}""",
        """{"$defs":{"Item":{"type":"object","properties":{"n":{"type":"integer","minimum":0,"maximum":5},"sub":{"type":"array","items":{"$ref":"#/$defs/Item"},"maxItems":2}},"required":["n"]}},"$ref":"#/$defs/Item"}""",
        """{"type":"object","properties":{"when":{"type":"string","format":"date-time"},"day":{"type":"string","format":"date"},"id":{"type":"string","format":"uuid"}},"required":["when","day","id"]}""",
        """{"anyOf":[{"type":"integer","minimum":0,"maximum":100},{"type":"string","maxLength":6},{"type":"object","properties":{"k":{"const":"v"}},"required":["k"]}]}""",
        """{"type":"object","properties":{"matrix":{"type":"array","items":{"type":"array","items":{"type":"integer","minimum":-9,"maximum":9},"maxItems":3},"maxItems":3},"label":{"type":"string","maxLength":6}},"required":["matrix","label"]}""",
        """{"type":"string","maxLength":20}""",
    ];

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task JsonSchema_EverySeed_OutputParsesAndValidates(string schemaText)
    {
        var schema = JsonDocument.Parse(schemaText).RootElement.Clone();
        using var client = new Gemma4ChatClient(fixture.Model);

        for (var first = 0; first < Runs; first += 8)
        {
            var responses = await Task.WhenAll(Enumerable.Range(first, Math.Min(8, Runs - first)).Select(seed => client.GetResponseAsync(
                "Answer in JSON.",
                new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "answer"), Temperature = 1, Seed = seed, MaxOutputTokens = 600 })));

            foreach (var response in responses)
            {
                Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
                using var document = JsonDocument.Parse(response.Text);
                SchemaAssert.Valid(schema, document.RootElement, "structured output");
            }
        }
    }

    [Fact]
    public async Task JsonMode_GivesAJsonObject()
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        for (var seed = 0; seed < 20; seed++)
        {
            var response = await client.GetResponseAsync("JSON please.", new ChatOptions { ResponseFormat = ChatResponseFormat.Json, Seed = seed, MaxOutputTokens = 600, RawRepresentationFactory = LimitStrings });
            using var document = JsonDocument.Parse(response.Text);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        }
    }

    [Fact]
    public async Task GetResponseAsyncOfT_ReturnsARecord()
    {
        using var client = new Gemma4ChatClient(fixture.Model);

        for (var seed = 0; seed < 10; seed++)
        {
            var response = await client.GetResponseAsync<Order>("Make up an order.", new ChatOptions { Seed = seed, MaxOutputTokens = 800, RawRepresentationFactory = LimitStrings });

            Assert.True(response.TryGetResult(out var order), $"not an Order: {response.Text}");
            Assert.NotNull(order.Customer);
            Assert.NotNull(order.Lines);
        }
    }

    [Theory]
    [InlineData("""{"type":"string","pattern":"^a+$"}""", "pattern")]
    [InlineData("""{"type":"object","patternProperties":{"^x":{"type":"string"}}}""", "patternProperties")]
    [InlineData("""{"not":{"type":"string"}}""", "not")]
    [InlineData("""{"$ref":"https://example.com/schema.json"}""", "$ref")]
    public async Task UnsupportedSchemaFeature_ThrowsNotSupportedNamingIt_AndTheProcessSurvives(string schemaText, string feature)
    {
        using var client = new Gemma4ChatClient(fixture.Model);
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse(schemaText).RootElement.Clone()) };

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync("hi", options));

        Assert.Contains(feature, ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await client.GetResponseAsync("hi", new ChatOptions { Temperature = 0, MaxOutputTokens = 2 })).Usage!.OutputTokenCount);
    }

    // Random weights almost never close an open string by chance; a limit on strings without maxLength lets them end.
    private static Gemma4GenerationOptions LimitStrings(IChatClient client) => new Gemma4GenerationOptions { MaxConstrainedStringLength = 16 };

    public sealed record Order(string Customer, List<OrderLine> Lines, bool Paid);

    public sealed record OrderLine(string Product, [property: Range(1, 1000)] int Quantity, [property: Range(0.0, 1e6)] double Price);
}
