using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gemma4.AI.IntegrationTests.Samples;

/// <summary>
/// Requests no OpenAI client should send, as a bad-input catalogue sends them: every one is a 4xx with OpenAI's error
/// object naming the field, never a 5xx (OpenAI clients retry those, so each bad request would run three times).
/// </summary>
[Collection(AspNetSampleServer.Name)]
public sealed partial class AspNetSampleBadInputTests(AspNetSampleFixture server)
{
    /// <summary>Invalid UTF-8 ({FF} stands for the raw byte) or an unpaired surrogate escape in each place text can go.</summary>
    [Theory]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"a{FF}{FE}b"}]}""", "messages[0].content")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"{C0}{80}"}]}""", "messages[0].content")] // overlong NUL
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"{ED}{A0}{80}"}]}""", "messages[0].content")] // UTF-8 of a surrogate
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"\ud800"}]}""", "messages[0].content")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"x\udc00y"}]}""", "messages[0].content")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"system","content":"ok"},{"role":"user","content":[{"type":"text","text":"ok"},{"type":"text","text":"\udfff"}]}]}""", "messages[1].content[1].text")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":"\ud800"}]}""", "messages[2].content")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"city\":\"\\ud800\"}"}}]}]}""", "messages[1].tool_calls[0].function.arguments.city")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"x"}],"stop":"\ud800"}""", "stop")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"x"}],"stop":["end","{FF}"]}""", "stop[1]")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"\ud800"}}}""", "tool_choice.function.name")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object","properties":{"\ud800":{"type":"string"}}}}}}""", "response_format.json_schema.schema.properties")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object","properties":{"a":{"enum":["x","\udc00"]}}}}}}""", "response_format.json_schema.schema.properties.a.enum[1]")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"the city":{"enum":["{FF}"]}}}}}]}""", "tools[0].function.parameters.properties['the city'].enum[0]")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","description":"\ud800"}}]}""", "tools[0].function.description")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"x"}],"user":"\ud800"}""", "user")] // unknown fields too: the body is not text
    [InlineData("/v1/embeddings", """{"input":"\ud800"}""", "input")]
    [InlineData("/v1/embeddings", """{"input":["fine","{FF}"]}""", "input[1]")]
    public async Task Request_InvalidUnicode_Returns400NamingTheField(string path, string body, string param)
    {
        using var http = server.CreateHttpClient();

        using var response = await OpenAIWire.PostBytes(http, path, WithRawBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await OpenAIWire.Error(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains("Unicode", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Wrong kinds of value where the mapping reads nested JSON itself, keys given twice, numbers out of range.</summary>
    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":[5]}]}""", "messages[0].content[0]")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":5}]}]}""", "messages[0].content[0]")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"text","text":["a"]}]}]}""", "messages[0].content[0].text")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"function","function":{"name":5}}}""", "tool_choice")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"function","function":"f"}}""", "tool_choice")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":"{}"}}]}""", "tools[0].function.parameters")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":[]}}]}""", "tools[0].function.parameters")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":[null]}""", "tools[0]")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"f"}}]}""", "tools")]
    [InlineData("""{"messages":[{"role":"assistant","tool_calls":[null]},{"role":"user","content":"x"}]}""", "messages[0].tool_calls[0]")]
    [InlineData("""{"messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1]"}}]}]}""", "messages[0].tool_calls[0].function.arguments")]
    [InlineData("""{"messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":1,\"a\":2}"}}]}]}""", "messages[0].tool_calls[0].function.arguments.a")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"messages":[{"role":"user","content":"y"}]}""", "messages")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object","properties":{"a":{},"a":{}}}}}}""", "response_format.json_schema.schema.properties.a")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"temperature":1e400}""", "temperature")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"temperature":-0.5}""", "temperature")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"top_p":1.5}""", "top_p")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"top_k":-1}""", "top_k")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"frequency_penalty":-1e300}""", "frequency_penalty")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"presence_penalty":3}""", "presence_penalty")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"max_tokens":1e20}""", "max_tokens")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"seed":18446744073709551616}""", "seed")]
    public async Task ChatCompletions_WrongShapeOrRange_Returns400NamingTheField(string body, string param)
    {
        using var http = server.CreateHttpClient();

        using var response = await OpenAIWire.Post(http, "/v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, (await OpenAIWire.Error(response)).GetProperty("param").GetString());
    }

    [Fact]
    public async Task ChatCompletions_NestingDeeperThanTheParserAllows_Returns400()
    {
        using var http = server.CreateHttpClient();
        var deep = new string('[', 200) + new string(']', 200);

        using var response = await OpenAIWire.Post(http, "/v1/chat/completions", $$"""{"messages":[{"role":"user","content":"x"}],"metadata":{{deep}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("depth", (await OpenAIWire.Error(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Every value of realistic requests, replaced in turn by every other kind of JSON value: whatever the replacement
    /// means, the answer is a success or a 4xx with an error object. This is what found the unclassified exception paths
    /// (content parts, tool_choice, parameters, null list items) that the cases above pin.
    /// </summary>
    [Theory]
    [InlineData("/v1/chat/completions", """
        {"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Weather?"}]},
          {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]},
          {"role":"tool","tool_call_id":"c1","content":"{\"sky\":\"clear\"}"}],
         "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string","enum":["Oslo","Paris"]}},"required":["city"]}}}],
         "tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":false,"max_tokens":3}
        """)]
    [InlineData("/v1/chat/completions", """
        {"messages":[{"role":"developer","content":"Answer in JSON."},{"role":"user","content":"A city?"}],"temperature":0.7,"top_p":0.9,"top_k":40,"seed":7,
         "frequency_penalty":0.1,"presence_penalty":0.1,"stop":["END"],"n":1,"stream":true,"stream_options":{"include_usage":true},"reasoning_effort":"none",
         "response_format":{"type":"json_schema","json_schema":{"name":"city","schema":{"type":"object","properties":{"name":{"type":"string","maxLength":8},"n":{"type":"integer","minimum":0,"maximum":9}},"required":["name"]}}},
         "max_completion_tokens":3}
        """)]
    [InlineData("/v1/embeddings", """{"input":["first","second"],"model":"m","encoding_format":"base64","dimensions":8}""")]
    public async Task Request_AnyValueReplacedByAnyKind_NeverAnswers5xx(string path, string seed)
    {
        using var http = server.CreateHttpClient();
        var failures = new List<string>();
        var sent = 0;

        foreach (var (location, body) in Mutations(JsonNode.Parse(seed)!))
        {
            sent++;
            using var response = await OpenAIWire.Post(http, path, body);
            var status = (int)response.StatusCode;
            if (status >= 500 || (status >= 400 && !await HasErrorObject(response)))
            {
                failures.Add($"{location}: HTTP {status} for {body}");
            }
        }

        Assert.True(sent > 50, $"only {sent} mutations");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests failed:\n{string.Join('\n', failures.Take(20))}");
    }

    // JsonNode cannot hold an unpaired surrogate: it goes in as this placeholder and becomes "\ud800" in the text.
    private const string LoneSurrogate = "\"lone-surrogate-placeholder\"";

    private static readonly string[] Replacements = ["5", "-1", "1e400", "0.5", "\"x\"", "\"\"", LoneSurrogate, "true", "null", "[]", "[5]", "{}", """{"a":{"b":[null]}}"""];

    /// <summary>Each value under <paramref name="root"/> replaced by each of <see cref="Replacements"/>, one at a time.</summary>
    private static IEnumerable<(string Location, string Body)> Mutations(JsonNode root)
    {
        foreach (var node in Descendants(root).ToList())
        {
            foreach (var replacement in Replacements)
            {
                var path = node.GetPath();
                var copy = JsonNode.Parse(root.ToJsonString())!;
                var target = Locate(copy, path);
                var value = JsonNode.Parse(replacement);
                switch (target.Parent)
                {
                    case JsonObject o:
                        o[target.GetPropertyName()] = value;
                        break;
                    case JsonArray a:
                        a[target.GetElementIndex()] = value;
                        break;
                }

                yield return ($"{path} = {replacement}", copy.ToJsonString().Replace(LoneSurrogate, "\"\\ud800\"", StringComparison.Ordinal));
            }
        }
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            yield return child;
            foreach (var d in Descendants(child))
            {
                yield return d;
            }
        }
    }

    private static JsonNode Locate(JsonNode root, string path)
    {
        var node = root;
        foreach (Match step in PathStep().Matches(path))
        {
            node = step.Groups["name"].Success ? node[step.Groups["name"].Value]! : node[int.Parse(step.Groups["index"].Value, CultureInfo.InvariantCulture)]!;
        }

        return node;
    }

    private static async Task<bool> HasErrorObject(HttpResponseMessage response)
    {
        try
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.GetProperty("error").GetProperty("message").ValueKind == JsonValueKind.String;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private static byte[] WithRawBytes(string body)
    {
        var bytes = new List<byte>();
        foreach (var piece in RawByte().Split(body))
        {
            if (piece.Length == 2 && byte.TryParse(piece, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b) && body.Contains($"{{{piece}}}", StringComparison.Ordinal))
            {
                bytes.Add(b);
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(piece));
            }
        }

        return [.. bytes];
    }

    [GeneratedRegex(@"\{([0-9A-F]{2})\}")]
    private static partial Regex RawByte();

    [GeneratedRegex(@"\.(?<name>[A-Za-z_][A-Za-z0-9_]*)|\[(?<index>\d+)\]|\['(?<name>[^']*)'\]")]
    private static partial Regex PathStep();
}
