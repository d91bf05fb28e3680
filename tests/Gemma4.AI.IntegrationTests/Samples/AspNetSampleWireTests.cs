using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gemma4.AI.IntegrationTests.Support;

namespace Gemma4.AI.IntegrationTests.Samples;

/// <summary>The ASP.NET sample's OpenAI wire format, its limits and its errors, over raw HTTP.</summary>
[Collection(AspNetSampleServer.Name)]
public sealed class AspNetSampleWireTests(AspNetSampleFixture server)
{
    [Fact]
    public async Task Start_ListensOnLoopback_ServesHealthAndModels()
    {
        using var http = server.CreateHttpClient();

        Assert.Equal("127.0.0.1", server.BaseAddress.Host);
        Assert.Contains("RANDOM weights", server.Output, StringComparison.Ordinal);
        Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/health", UriKind.Relative)));
        using var models = JsonDocument.Parse(await http.GetStringAsync(new Uri("/v1/models", UriKind.Relative)));
        Assert.Equal(["gemma4-tiny-test", "gemma-embedding-tiny-test"],
            models.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public void Start_Console_ShowsTheBannerOneLinePerModelAndTheAddress()
    {
        var lines = server.Output.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // Started as the fixture starts it (dotnet path/to/Gemma4.AspNet.dll from another folder): appsettings.json still applies.
        Assert.True(lines.Length <= 9, $"{lines.Length} lines at start:\n{server.Output}"); // 5 banner lines, the projector, 2 models, the address
        Assert.DoesNotContain("warn:", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("control-looking token", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("0-token context", server.Output, StringComparison.Ordinal);
        Assert.Contains("Loaded gemma-embedding-tiny-test (gemma-embedding, F16) for 128-dimensional embeddings.", server.Output, StringComparison.Ordinal);
        Assert.StartsWith("Gemma4.AspNet listening on http://127.0.0.1:", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_Streaming_SendsRoleFirstThenChunksUsageAndDone()
    {
        using var http = server.CreateHttpClient();

        using var response = await Post(http, "/v1/chat/completions", """
            {"model":"any","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi"}]}],
             "max_tokens":5,"temperature":0.5,"top_p":0.9,"seed":4,"stop":["zzz"],"stream":true,"stream_options":{"include_usage":true}}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("length", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usage = chunks[^1].GetProperty("usage");
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.Equal(5, usage.GetProperty("completion_tokens").GetInt32());
        Assert.True(usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32() >= 0);
    }

    [Fact]
    public async Task ChatCompletions_JsonSchemaResponseFormat_ReturnsJsonOfThatShape()
    {
        using var http = server.CreateHttpClient();

        using var response = await Post(http, "/v1/chat/completions", """
            {"messages":[{"role":"user","content":"A city and its population?"}],"max_tokens":200,"seed":2,
             "response_format":{"type":"json_schema","json_schema":{"name":"city","schema":{"type":"object",
               "properties":{"name":{"type":"string","maxLength":12},"population":{"type":"integer","minimum":0,"maximum":99999}},
               "required":["name","population"],"additionalProperties":false}}}}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choice = body.RootElement.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        using var answer = JsonDocument.Parse(choice.GetProperty("message").GetProperty("content").GetString()!);
        Assert.Equal(JsonValueKind.String, answer.RootElement.GetProperty("name").ValueKind);
        Assert.InRange(answer.RootElement.GetProperty("population").GetInt32(), 0, 99999);
    }

    [Fact]
    public async Task ChatCompletions_ToolHistoryAndRequiredToolChoice_ReturnsToolCallsInWireFormat()
    {
        using var http = server.CreateHttpClient();

        using var response = await Post(http, "/v1/chat/completions", """
            {"messages":[
               {"role":"user","content":"Weather in Oslo and Paris?"},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"{\"sky\":\"sunny\"}"},
               {"role":"user","content":"And Paris?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
             "tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":false,"max_tokens":60,"seed":5}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choice = body.RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = Assert.Single(choice.GetProperty("message").GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        using var arguments = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!);
        Assert.Equal(JsonValueKind.String, arguments.RootElement.GetProperty("city").ValueKind);
        Assert.False(string.IsNullOrEmpty(call.GetProperty("id").GetString()));
        Assert.True(body.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 20);
    }

    [Fact]
    public async Task Embeddings_FloatEncoding_ReturnsOpenAIListShape()
    {
        using var http = server.CreateHttpClient();

        using var response = await Post(http, "/v1/embeddings", """{"input":"hello","model":"x","dimensions":64}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("list", body.RootElement.GetProperty("object").GetString());
        var item = Assert.Single(body.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal(64, item.GetProperty("embedding").GetArrayLength());
        Assert.Equal("gemma-embedding-tiny-test", body.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task V1_WithoutApiKey_Returns401ErrorObject_HealthStaysOpen()
    {
        using var http = server.CreateHttpClient(withKey: false);

        using var response = await http.GetAsync(new Uri("/v1/models", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", (await Error(response)).GetProperty("code").GetString());
        Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/health", UriKind.Relative)));
    }

    [Fact]
    public async Task ChatCompletions_BodyOverTheLimit_Returns413()
    {
        using var http = server.CreateHttpClient();
        var big = new string('a', AspNetSampleFixture.MaxBodyBytes + 1000);

        using var response = await http.PostAsJsonAsync(new Uri("/v1/chat/completions", UriKind.Relative),
            new { messages = new[] { new { role = "user", content = big } } });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("{not json", null)]
    [InlineData("""{"messages":[]}""", "messages")]
    [InlineData("""{"messages":[{"role":"wizard","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"n":2}""", "n")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:,"}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"function","function":{"name":"nope"}}}""", "tool_choice")]
    [InlineData("""{"messages":[null]}""", "messages[0]")]
    [InlineData("""{"messages":"Hi"}""", "messages")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"max_tokens":"many"}""", "max_tokens")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"max_completion_tokens":0}""", "max_completion_tokens")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tool_choice":"required"}""", "tool_choice")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"n":0}""", "n")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object","properties":{"p":{"type":"string","pattern":"^[a-z]+$"}}}}}}""", null)]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"stream":true,"tool_choice":"required","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"q":{"type":"string","pattern":"^(a|b)+$"}}}}}]}""", null)]
    public async Task ChatCompletions_InvalidRequest_Returns400ErrorObjectNamingTheField(string body, string? param)
    {
        using var http = server.CreateHttpClient();

        using var response = await Post(http, "/v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await Error(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Theory]
    [InlineData("gemma4-tiny-test")]
    [InlineData("gemma-embedding-tiny-test")]
    public async Task ModelsRetrieve_ServedModel_ReturnsTheModelObject(string id)
    {
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync(new Uri($"/v1/models/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(id, body.RootElement.GetProperty("id").GetString());
        Assert.Equal("model", body.RootElement.GetProperty("object").GetString());
        Assert.Equal("gemma4-ai", body.RootElement.GetProperty("owned_by").GetString());
    }

    [Fact]
    public async Task ModelsRetrieve_UnknownModel_Returns404ModelNotFound()
    {
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync(new Uri("/v1/models/gpt-4o", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await Error(response);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Contains("gpt-4o", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/v1/completions", HttpStatusCode.NotFound)]
    [InlineData("GET", "/nothing/here", HttpStatusCode.NotFound)]
    [InlineData("POST", "/v1/responses", HttpStatusCode.NotFound)]
    [InlineData("DELETE", "/v1/models", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "/v1/chat/completions", HttpStatusCode.MethodNotAllowed)]
    [InlineData("PUT", "/v1/embeddings", HttpStatusCode.MethodNotAllowed)]
    public async Task UnknownRouteOrMethod_ReturnsOpenAIErrorObject(string method, string path, HttpStatusCode status)
    {
        using var http = server.CreateHttpClient();

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)));

        Assert.Equal(status, response.StatusCode);
        var error = await Error(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains(path, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        if (status == HttpStatusCode.MethodNotAllowed)
        {
            Assert.NotEmpty(response.Content.Headers.Allow); // which methods the URL takes
        }
    }

    [Theory]
    [InlineData("""{"input":""}""", "input")]
    [InlineData("""{"input":[]}""", "input")]
    [InlineData("""{"input":[""]}""", "input[0]")]
    [InlineData("""{"input":["fine",""]}""", "input[1]")]
    [InlineData("""{"input":"x","dimensions":0}""", "dimensions")]
    [InlineData("""{"input":"x","dimensions":129}""", "dimensions")]
    public async Task Embeddings_EmptyInputOrBadDimensions_Returns400NamingTheField(string body, string param)
    {
        using var http = server.CreateHttpClient();

        using var response = await Post(http, "/v1/embeddings", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, (await Error(response)).GetProperty("param").GetString());
    }

    [Theory]
    [InlineData("get weather", "tools")]
    [InlineData("", "tools[1].function.name")]
    [InlineData("say\"hi", "tools")]
    [InlineData("y<turn|>", "tools")]
    [InlineData("<|tool_call>", "tools")]
    [InlineData("name\n", "tools")]
    [InlineData("x123456789x123456789x123456789x123456789x123456789x123456789x1234", "tools")]
    public async Task ChatCompletions_ToolNameThatCannotRoundTrip_Returns400NamingTheTool(string name, string param)
    {
        using var http = server.CreateHttpClient();
        var body = $$$"""
            {"messages":[{"role":"user","content":"x"}],"max_tokens":4,"tool_choice":"required",
             "tools":[{"type":"function","function":{"name":"fine_name-1"}},{"type":"function","function":{"name":{{{JsonSerializer.Serialize(name)}}}}}]}
            """;

        using var response = await Post(http, "/v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await Error(response);
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains(param == "tools" ? "Tools[1]" : "name", error.GetProperty("message").GetString(), StringComparison.Ordinal); // which tool
    }

    [Theory]
    [InlineData("calculator.add")] // Semantic Kernel's and namespaced names round-trip too, so they are not refused
    [InlineData("server:tool")]
    [InlineData("wetter_für_städte")]
    public async Task ChatCompletions_ToolNameGemmaCanCallBack_IsAccepted(string name)
    {
        using var http = server.CreateHttpClient();

        using var response = await Post(http, "/v1/chat/completions", $$$"""
            {"messages":[{"role":"user","content":"x"}],"max_tokens":2,"tools":[{"type":"function","function":{"name":{{{JsonSerializer.Serialize(name)}}}}}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ChatCompletions_ToolNameOfSixtyFourAllowedCharacters_IsCalled()
    {
        using var http = server.CreateHttpClient();
        var name = "Ab_-9" + new string('z', 59);

        using var response = await Post(http, "/v1/chat/completions", $$$"""
            {"messages":[{"role":"user","content":"x"}],"max_tokens":300,"tool_choice":"required","parallel_tool_calls":false,"seed":1,
             "tools":[{"type":"function","function":{"name":"{{{name}}}"}}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var call = Assert.Single(body.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls").EnumerateArray());
        Assert.Equal(name, call.GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public async Task ChatCompletions_PromptLongerThanTheContext_Returns400ContextLengthExceeded()
    {
        using var http = server.CreateHttpClient();
        var words = string.Join(' ', Enumerable.Repeat("lorem ipsum dolor", 2500)); // over the demo's 4096-token context, under the body limit

        using var response = await Post(http, "/v1/chat/completions", JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content = words } }, stream = true }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("context_length_exceeded", (await Error(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task ChatCompletions_QueueFullWithThrowBehavior_Returns503ErrorObject()
    {
        await using var busy = await SampleServer.StartAsync("Gemma4.AspNet",
            "--demo --urls http://127.0.0.1:0 --Gemma4:MaxParallelSequences 1 --Gemma4:MaxQueuedRequests 0 --Gemma4:QueueFullBehavior Throw", TimeSpan.FromMinutes(2));
        using var http = new HttpClient { BaseAddress = busy.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

        // 1000 forced array items keep the only sequence busy; its headers arrive once generation has begun.
        using var running = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative))
        {
            Content = new StringContent("""
                {"messages":[{"role":"user","content":"Numbers"}],"max_tokens":3000,"stream":true,
                 "response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object",
                   "properties":{"a":{"type":"array","items":{"type":"integer","minimum":0,"maximum":9},"minItems":1000}},"required":["a"]}}}}
                """, Encoding.UTF8, "application/json"),
        }, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, running.StatusCode);

        using var refused = await Post(http, "/v1/chat/completions", """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":2}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta); // clients back off instead of hammering
        var error = await Error(refused);
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Equal("server_overloaded", error.GetProperty("code").GetString());
    }

    private static Task<HttpResponseMessage> Post(HttpClient http, string path, string json) => OpenAIWire.Post(http, path, json);

    private static Task<JsonElement> Error(HttpResponseMessage response) => OpenAIWire.Error(response);
}
