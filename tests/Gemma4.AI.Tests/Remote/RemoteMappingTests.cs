using System.Text.Json;
using System.Text.Json.Nodes;
using Gemma4.AI.Remote;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Remote;

/// <summary>The dialects' request mapping for what the transcripts do not cover, and the lenient readers' edge cases.</summary>
public sealed class RemoteMappingTests
{
    private static readonly ChatMessage[] ToolLoop =
    [
        new(ChatRole.User, "Weather?"),
        new(ChatRole.Assistant, [new TextReasoningContent("Call the tool."), new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]),
        new(ChatRole.Tool, [new FunctionResultContent("c1", "Sunny")]),
        new(ChatRole.Assistant, [new TextReasoningContent("Answer now."), new TextContent("It is sunny.")]),
        new(ChatRole.User, "And tomorrow?"),
    ];

    [Theory]
    [InlineData(Gemma4RemoteEngine.Vllm, "reasoning")]
    [InlineData(Gemma4RemoteEngine.LlamaServer, "reasoning_content")]
    [InlineData(Gemma4RemoteEngine.OpenAICompatible, "reasoning_content")]
    [InlineData(Gemma4RemoteEngine.Ollama, "thinking")]
    public void ToChatRequest_ReasoningBeforeTheLastUserMessage_IsSentOnlyWithPreserveThinking(Gemma4RemoteEngine engine, string field)
    {
        var plain = Request(engine, ToolLoop, preserveThinking: false);
        var preserved = Request(engine, ToolLoop, preserveThinking: true);

        // The template drops earlier turns' thinking; with preserve_thinking it keeps that of tool-calling turns.
        Assert.DoesNotContain(Messages(plain), m => m[field] is not null);
        var kept = Assert.Single(Messages(preserved), m => m[field] is not null);
        Assert.Equal("Call the tool.", kept[field]!.GetValue<string>());
        if (engine is Gemma4RemoteEngine.Vllm or Gemma4RemoteEngine.LlamaServer)
        {
            Assert.True(preserved["chat_template_kwargs"]!["preserve_thinking"]!.GetValue<bool>());
            Assert.Null(plain["chat_template_kwargs"]!["preserve_thinking"]);
        }
    }

    [Theory]
    [InlineData(Gemma4RemoteEngine.Vllm)]
    [InlineData(Gemma4RemoteEngine.Ollama)]
    public void ToChatRequest_ToolModeNone_SendsNoTools(Gemma4RemoteEngine engine)
    {
        var options = new ChatOptions { Tools = [Declaration("get_weather")], ToolMode = ChatToolMode.None };

        var body = Request(engine, [new ChatMessage(ChatRole.User, "Hi")], options: options);

        Assert.Null(body["tools"]);
        Assert.Null(body["tool_choice"]);
    }

    [Fact]
    public void ToChatRequest_OllamaRequireSpecific_OffersOnlyThatTool()
    {
        var options = new ChatOptions { Tools = [Declaration("a"), Declaration("b")], ToolMode = ChatToolMode.RequireSpecific("b") };

        var body = Request(Gemma4RemoteEngine.Ollama, [new ChatMessage(ChatRole.User, "Hi")], options: options);

        var tool = Assert.Single(body["tools"]!.AsArray());
        Assert.Equal("b", tool!["function"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void ToChatRequest_Images_OpenAIPartsAndOllamaBase64()
    {
        var image = new DataContent(new byte[] { 1, 2, 3 }, "image/png");
        ChatMessage[] messages = [new(ChatRole.User, [new TextContent("What is this?"), image])];

        var openAI = Request(Gemma4RemoteEngine.Vllm, messages);
        var ollama = Request(Gemma4RemoteEngine.Ollama, messages);

        var parts = openAI["messages"]![0]!["content"]!.AsArray();
        Assert.Equal("text", parts[0]!["type"]!.GetValue<string>());
        Assert.Equal("data:image/png;base64,AQID", parts[1]!["image_url"]!["url"]!.GetValue<string>());
        Assert.Equal("What is this?", ollama["messages"]![0]!["content"]!.GetValue<string>());
        Assert.Equal("AQID", ollama["messages"]![0]!["images"]![0]!.GetValue<string>());
    }

    [Fact]
    public void ToChatRequest_UnsupportedMedia_ThrowsNamingTheMediaType()
    {
        ChatMessage[] messages = [new(ChatRole.User, [new DataContent(new byte[] { 1 }, "application/pdf")])];

        var ex = Assert.Throws<NotSupportedException>(() => Request(Gemma4RemoteEngine.Vllm, messages));

        Assert.Contains("application/pdf", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("audio/wav", null, "takes no audio (audio/wav)")]
    [InlineData("audio/mpeg", "https://example.com/a.mp3", "takes no audio (audio/mpeg at https://example.com/a.mp3)")]
    [InlineData("image/png", "https://example.com/a.png", "the image at https://example.com/a.png cannot be sent")]
    public void ToChatRequest_OllamaMediaItCannotTake_ThrowsSayingWhatAndWhy(string mediaType, string? uri, string expected)
    {
        AIContent media = uri is null ? new DataContent(new byte[] { 1, 2 }, mediaType) : new UriContent(uri, mediaType);
        ChatMessage[] messages = [new(ChatRole.User, [new TextContent("What is this?"), media])];

        var ex = Assert.Throws<NotSupportedException>(() => Request(Gemma4RemoteEngine.Ollama, messages));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToChatRequest_Audio_OpenAIInputAudioPart()
    {
        ChatMessage[] messages = [new(ChatRole.User, [new DataContent(new byte[] { 1, 2, 3 }, "audio/wav"), new TextContent("Transcribe.")])];

        var parts = Request(Gemma4RemoteEngine.LlamaServer, messages)["messages"]![0]!["content"]!.AsArray();

        Assert.Equal("input_audio", parts[0]!["type"]!.GetValue<string>());
        Assert.Equal("AQID", parts[0]!["input_audio"]!["data"]!.GetValue<string>());
        Assert.Equal("wav", parts[0]!["input_audio"]!["format"]!.GetValue<string>());
        Assert.Equal("Transcribe.", parts[1]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void ToChatRequest_BodyFromRawRepresentationFactory_ItsFieldsWin()
    {
        var seed = new JsonObject { ["temperature"] = 0.1, ["structured_outputs"] = new JsonObject { ["regex"] = "[0-9]+" }, ["chat_template_kwargs"] = new JsonObject { ["enable_thinking"] = true } };
        var request = new RemoteChatRequest([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { Temperature = 0.9f }, new Gemma4GenerationOptions { Temperature = 0.9f, MinP = 0.05f, RepeatPenalty = 1.1f }, seed, "m", Stream: false, PreserveThinking: false);

        var body = RemoteDialect.For(Gemma4RemoteEngine.Vllm).ToChatRequest(request);

        Assert.Equal(0.1, body["temperature"]!.GetValue<double>());
        Assert.Equal("[0-9]+", body["structured_outputs"]!["regex"]!.GetValue<string>());
        Assert.True(body["chat_template_kwargs"]!["enable_thinking"]!.GetValue<bool>()); // the caller's switch, not the default off
        Assert.Equal(0.05f, body["min_p"]!.GetValue<float>());
        Assert.Equal(1.1f, body["repetition_penalty"]!.GetValue<float>());
    }

    [Fact]
    public async Task GetResponseAsync_GrammarOnAnEngineWithoutGbnf_ThrowsBeforeSending()
    {
        using var client = new Gemma4RemoteChatClient(new Gemma4RemoteOptions { Engine = Gemma4RemoteEngine.Vllm, Endpoint = new Uri("http://127.0.0.1:9"), Model = "m" });
        var options = new ChatOptions { RawRepresentationFactory = _ => new Gemma4GenerationOptions { Grammar = "root ::= \"a\"" } };

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync("Hi", options));

        Assert.Contains("only understood by llama-server", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_PerRequestLoraAdapter_ThrowsPointingAtVllmModelNames()
    {
        using var client = new Gemma4RemoteChatClient(new Gemma4RemoteOptions { Engine = Gemma4RemoteEngine.Vllm, Endpoint = new Uri("http://127.0.0.1:9"), Model = "m" });
        var options = new ChatOptions().AddGemma4LoraAdapter("style");

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync("Hi", options));

        Assert.Contains("--lora-modules", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InProcessOnlyClientOptions_Throw()
    {
        var options = new Gemma4RemoteOptions { Endpoint = new Uri("http://127.0.0.1:9") };

        Assert.Throws<ArgumentException>(() => new Gemma4RemoteChatClient(options, new Gemma4ChatClientOptions { LoraAdapters = [new Gemma4LoraAdapterOptions { Path = "a.gguf" }] }));
        Assert.Throws<ArgumentException>(() => new Gemma4RemoteChatClient(options, new Gemma4ChatClientOptions { ContextOverflow = Gemma4ContextOverflowPolicy.DropOldestMessages }));
    }

    [Theory]
    [InlineData("http://host:8000", "http://host:8000/v1/")]
    [InlineData("http://host:8000/", "http://host:8000/v1/")]
    [InlineData("http://host:8000/v1", "http://host:8000/v1/")]
    [InlineData("https://gateway/openai/deployments/gemma/", "https://gateway/openai/deployments/gemma/")]
    public void ApiBase_Endpoint_AppendsV1OnlyToABareAddress(string endpoint, string expected) =>
        Assert.Equal(expected, OpenAITransport.ApiBase(new Uri(endpoint)).ToString());

    [Theory]
    [InlineData("ftp://host", "Remote:Endpoint")]
    [InlineData(null, "Remote:Model")]
    public void Validate_BadSetting_NamesTheConfigurationKey(string? endpoint, string key)
    {
        var options = new Gemma4RemoteOptions { Engine = Gemma4RemoteEngine.Ollama, Endpoint = new Uri(endpoint ?? "http://host:11434") };

        var ex = Assert.ThrowsAny<ArgumentException>(options.Validate);

        Assert.Equal(key, ex.ParamName);
    }

    [Theory]
    [InlineData(Gemma4RemoteEngine.OpenAICompatible, "")]
    [InlineData(Gemma4RemoteEngine.Vllm, " ")]
    [InlineData(Gemma4RemoteEngine.LlamaServer, "")]
    public void EmptyModel_IsRefusedNamingTheConfigurationKey_NotByTheOpenAIClient(Gemma4RemoteEngine engine, string model)
    {
        var options = new Gemma4RemoteOptions { Engine = engine, Endpoint = new Uri("http://127.0.0.1:1/v1"), Model = model };

        var ex = Assert.ThrowsAny<ArgumentException>(() => new Gemma4RemoteChatClient(options));

        Assert.Equal("Remote:Model", ex.ParamName);
        Assert.Contains("Gemma4RemoteOptions.Model must be the served model's name, or null", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://user:s3cret@127.0.0.1:8000/v1")]
    [InlineData("https://s3cret@gpu-box/v1")]
    [InlineData("ftp://user:s3cret@gpu-box/v1")]
    public void EndpointWithCredentials_IsRefusedNamingTheKey_WithoutShowingThem(string endpoint)
    {
        var options = new Gemma4RemoteOptions { Endpoint = new Uri(endpoint), Model = "m" };

        var ex = Assert.ThrowsAny<ArgumentException>(() => new Gemma4RemoteChatClient(options));

        Assert.Equal("Remote:Endpoint", ex.ParamName);
        Assert.DoesNotContain("s3cret", ex.Message, StringComparison.Ordinal);
        Assert.Contains("***@", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamedToolCalls_BadArguments_CallCarriesTheErrorInsteadOfThrowing()
    {
        var calls = new StreamedToolCalls();
        using var json = JsonDocument.Parse("""[{"index":0,"id":"c","function":{"name":"f","arguments":"{a: 1}"}}]""");

        calls.Add(json.RootElement);
        var output = new List<AIContent>();
        var cut = calls.Complete(limitReached: false, lastCallCut: false, output);

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(output));
        Assert.False(cut);
        Assert.Equal("f", call.Name);
        Assert.NotNull(call.Exception);
    }

    [Theory]
    [InlineData("{\"location\": \"Pa", true)]
    [InlineData("{\"a\": 1", true)]
    [InlineData("{\"a\": [1, 2", true)]
    [InlineData("{", true)]
    [InlineData("{\"a\": 1}", false)]
    [InlineData("{\"a\": {\"b\": [true]}}\n", false)]
    [InlineData("", false)]
    [InlineData("{\"a\": }", false)] // malformed, not cut: the call carries the parse error
    [InlineData("null", false)] // what a server may send for a function without parameters
    [InlineData("\"{\\\"a\\\": 1}\"", false)] // arguments encoded twice: a whole value, so a call (carrying the error), not a cut
    [InlineData("\"{\\\"a\\\": 1", true)]
    public void IsUnfinishedJson_TellsACutCallFromAFinishedOrMalformedOne(string arguments, bool unfinished) =>
        Assert.Equal(unfinished, StreamedToolCalls.IsUnfinishedJson(arguments));

    [Fact]
    public void StreamedToolCalls_LastCallCutByTheLimit_IsNotACall_EarlierCallsAre()
    {
        var calls = new StreamedToolCalls();
        using var json = JsonDocument.Parse("""[{"index":0,"id":"a","function":{"name":"f","arguments":"{}"}},{"index":1,"id":"b","function":{"name":"g","arguments":"{\"x\": 1}"}}]""");
        calls.Add(json.RootElement);
        var output = new List<AIContent>();

        var cut = calls.Complete(limitReached: true, lastCallCut: true, output);

        Assert.True(cut);
        Assert.Equal("f", Assert.IsType<FunctionCallContent>(output[0]).Name);
        Assert.IsNotType<FunctionCallContent>(output[1]);
        Assert.Contains("\"name\":\"g\"", Assert.IsType<string>(output[1].RawRepresentation), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", true)] // vLLM streamed the name, then the limit cut the call before any argument
    [InlineData("  ", true)]
    [InlineData("{}", false)] // closed at the very last token allowed: a call
    [InlineData("{\"x\": 1}", false)]
    public void StreamedToolCalls_LimitReached_OnlyALastCallWithoutArgumentsIsCut(string arguments, bool cut)
    {
        var calls = new StreamedToolCalls();
        var fragment = new JsonObject { ["index"] = 0, ["id"] = "a", ["function"] = new JsonObject { ["name"] = "f", ["arguments"] = arguments } };
        using var json = JsonDocument.Parse(new JsonArray(fragment).ToJsonString());
        calls.Add(json.RootElement);
        var output = new List<AIContent>();

        Assert.Equal(cut, calls.Complete(limitReached: true, lastCallCut: false, output));

        Assert.Equal(cut, Assert.Single(output) is not FunctionCallContent);
    }

    [Theory]
    [InlineData(Gemma4RemoteEngine.Vllm)]
    [InlineData(Gemma4RemoteEngine.Ollama)]
    public void ToBinary_LoneSurrogates_AreSentAsReplacementCharacters(Gemma4RemoteEngine engine)
    {
        // A UTF-16 half without its other half has no UTF-8 form: U+FFFD goes in its place, as in-process.
        ChatMessage[] messages =
        [
            new(ChatRole.User, "a\ud800b"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "f", new Dictionary<string, object?> { ["q"] = "x\udc00" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "r\ud83d")]),
        ];

        using var sent = JsonDocument.Parse(RemoteJson.ToBinary(Request(engine, messages)));

        var wire = sent.RootElement.GetProperty("messages");
        Assert.Equal("a\uFFFDb", wire[0].GetProperty("content").GetString());
        Assert.Equal("r\uFFFD", wire[2].GetProperty("content").GetString());
        var call = wire[1].GetProperty("tool_calls")[0].GetProperty("function");
        var arguments = call.GetProperty("arguments");
        var q = arguments.ValueKind == JsonValueKind.String ? JsonDocument.Parse(arguments.GetString()!).RootElement.GetProperty("q") : arguments.GetProperty("q");
        Assert.Equal("x\uFFFD", q.GetString());
    }

    private static JsonObject Request(Gemma4RemoteEngine engine, IReadOnlyList<ChatMessage> messages, ChatOptions? options = null, bool preserveThinking = false) =>
        RemoteDialect.For(engine).ToChatRequest(new RemoteChatRequest(messages, options, new Gemma4GenerationOptions(), [], "m", Stream: false, preserveThinking));

    private static List<JsonObject> Messages(JsonObject body) => [.. body["messages"]!.AsArray().Select(static m => (JsonObject)m!)];

    private static AIFunctionDeclaration Declaration(string name) =>
        AIFunctionFactory.CreateDeclaration(name, "d", JsonSerializer.SerializeToElement(new { type = "object", properties = new { } }));
}
