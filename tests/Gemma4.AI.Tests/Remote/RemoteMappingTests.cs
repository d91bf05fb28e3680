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

    [Fact]
    public void StreamedToolCalls_BadArguments_CallCarriesTheErrorInsteadOfThrowing()
    {
        var calls = new StreamedToolCalls();
        using var json = JsonDocument.Parse("""[{"index":0,"id":"c","function":{"name":"f","arguments":"{\"a\": "}}]""");

        calls.Add(json.RootElement);
        var call = Assert.Single(calls.Complete());

        Assert.Equal("f", call.Name);
        Assert.NotNull(call.Exception);
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
