using System.Text.Json;
using Gemma4.AI.Remote;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Remote;

/// <summary>
/// What the in-process client refuses (docs/contracts.md: tool names, lone surrogates in configuration, null messages),
/// the remote client refuses the same way, before anything is sent: the engine's Gemma 4 writes the same call syntax.
/// The endpoint is a closed port, so a request that got through would fail with <see cref="Gemma4RemoteException"/> instead.
/// </summary>
public sealed class RemoteRequestValidationTests
{
    [Theory]
    [InlineData("get weather", false)]
    [InlineData("y<turn|>", false)]
    [InlineData("say\"hi\"", false)]
    [InlineData("get weather", true)]
    public async Task ToolWhoseNameCannotRoundTrip_IsRefusedNamingIt(string name, bool stream)
    {
        using var client = Client(Gemma4RemoteEngine.Vllm);
        var options = new ChatOptions { Tools = [Declaration("ok"), Declaration(name)] };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Send(client, options, stream));

        Assert.Equal("tools", ex.ParamName);
        Assert.Contains($"ChatOptions.Tools[1] is named '{name}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoToolsWithOneName_AreRefused()
    {
        using var client = Client(Gemma4RemoteEngine.Ollama);
        var options = new ChatOptions { Tools = [Declaration("f"), Declaration("f")] };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Send(client, options, stream: false));

        Assert.Equal("tools", ex.ParamName);
        Assert.Contains("'f'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Gemma4RemoteEngine.Ollama)]
    [InlineData(Gemma4RemoteEngine.Vllm)]
    public async Task RequireSpecificFunctionNotDeclared_IsRefusedNamingItAndTheDeclaredOnes(Gemma4RemoteEngine engine)
    {
        using var client = Client(engine);
        var options = new ChatOptions { Tools = [Declaration("a"), Declaration("b")], ToolMode = ChatToolMode.RequireSpecific("c") };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Send(client, options, stream: false));

        Assert.Equal("mode", ex.ParamName);
        Assert.Contains("'c'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'a', 'b'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequireAnyWithoutTools_IsRefused()
    {
        using var client = Client(Gemma4RemoteEngine.LlamaServer);
        var options = new ChatOptions { ToolMode = ChatToolMode.RequireAny };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Send(client, options, stream: true));

        Assert.Equal("tools", ex.ParamName);
    }

    [Fact]
    public async Task StopSequenceWithALoneSurrogate_IsRefusedNamingItsIndex()
    {
        using var client = Client(Gemma4RemoteEngine.LlamaServer);
        var options = new ChatOptions { StopSequences = ["end", "x\ud800"] };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Send(client, options, stream: true));

        Assert.Equal("stopSequences", ex.ParamName);
        Assert.Contains("StopSequences[1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToolSchemaWithALoneSurrogate_IsRefusedNamingTheToolAndPointer()
    {
        using var client = Client(Gemma4RemoteEngine.Vllm);
        // Parsed from JSON text: serializing a .NET string would already have replaced the lone surrogate.
        using var document = JsonDocument.Parse("""{"type": "object", "properties": {"k\ud800": {"type": "string"}}}""");
        var schema = document.RootElement;
        var options = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("f", "d", schema)] };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Send(client, options, stream: false));

        Assert.Equal("tools", ex.ParamName);
        Assert.Contains("('f')", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/properties", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResponseFormatSchemaWithALoneSurrogate_IsRefused()
    {
        using var client = Client(Gemma4RemoteEngine.Ollama);
        using var document = JsonDocument.Parse("""{"type": "string", "enum": ["a", "b\udc00"]}""");
        var schema = document.RootElement;
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "answer") };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Send(client, options, stream: false));

        Assert.Equal("schema", ex.ParamName);
        Assert.Contains("ResponseFormat", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NullMessage_IsRefusedNamingItsIndex(bool stream)
    {
        using var client = Client(Gemma4RemoteEngine.Vllm);
        ChatMessage[] messages = [new(ChatRole.User, "Hi"), null!];

        var ex = await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            if (!stream)
            {
                await client.GetResponseAsync(messages);
                return;
            }

            await foreach (var _ in client.GetStreamingResponseAsync(messages))
            {
            }
        });

        Assert.Equal("messages", ex.ParamName);
        Assert.Contains("index 1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Gemma4RemoteEngine.Vllm)]
    [InlineData(Gemma4RemoteEngine.Ollama)]
    public void ToolResultAsAJsonStringWithALoneSurrogate_IsSentWithAReplacementCharacter(Gemma4RemoteEngine engine)
    {
        // A tool that returns JSON it read elsewhere (a web API's answer) can hold an escaped lone surrogate, which
        // JsonElement.GetString() throws on; the in-process client sends U+FFFD for it.
        using var document = JsonDocument.Parse("\"r\\ud800\"");
        var result = document.RootElement;
        ChatMessage[] messages =
        [
            new(ChatRole.User, "Hi"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "f")]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", result)]),
        ];
        var request = new RemoteChatRequest(messages, null, new Gemma4GenerationOptions(), [], "m", Stream: false, PreserveThinking: false);

        using var sent = JsonDocument.Parse(RemoteJson.ToBinary(RemoteDialect.For(engine).ToChatRequest(request)));

        Assert.Equal("r\uFFFD", sent.RootElement.GetProperty("messages")[2].GetProperty("content").GetString());
    }

    [Fact]
    public void EngineTextWithAnEscapedLoneSurrogate_ReadsAsAReplacementCharacter_InsteadOfThrowing()
    {
        using var chunk = JsonDocument.Parse("""{"choices":[{"index":0,"delta":{"content":"a\ud800b","reasoning":"\udc00"}}]}""");
        var turn = new RemoteTurn();
        var contents = new List<AIContent>();

        RemoteDialect.For(Gemma4RemoteEngine.Vllm).ReadChunk(chunk.RootElement, turn, contents);
        turn.Content.Complete(contents);

        Assert.Equal("\uFFFD", Assert.IsType<TextReasoningContent>(contents[0]).Text);
        Assert.Equal("a\uFFFDb", string.Concat(contents.OfType<TextContent>().Select(static t => t.Text)));
    }

    [Fact]
    public async Task JsonNestedBeyondTheLimit_IsRefusedNamingWhere()
    {
        using var client = Client(Gemma4RemoteEngine.Ollama);
        using var deep = JsonDocument.Parse(new string('[', 20_000) + new string(']', 20_000), new JsonDocumentOptions { MaxDepth = 20_001 });
        ChatMessage[] withArgument = [new(ChatRole.User, "Hi"), new(ChatRole.Assistant, [new FunctionCallContent("c1", "f", new Dictionary<string, object?> { ["a"] = deep.RootElement })])];
        ChatMessage[] withResult = [new(ChatRole.User, "Hi"), new(ChatRole.Assistant, [new FunctionCallContent("c1", "f")]), new(ChatRole.Tool, [new FunctionResultContent("c1", deep.RootElement)])];
        var withTool = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("deep", null, deep.RootElement)] };

        var argument = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(withArgument));
        var result = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(withResult));
        var tool = await Assert.ThrowsAsync<NotSupportedException>(() => Send(client, withTool, stream: false));

        Assert.Contains("argument 'a' of function call 'f'", argument.Message, StringComparison.Ordinal);
        Assert.Contains("the result of function call 'c1'", result.Message, StringComparison.Ordinal);
        Assert.Contains("tool 'deep'", tool.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Gemma4RemoteEngine.Vllm)]
    [InlineData(Gemma4RemoteEngine.Ollama)]
    public void SchemaNestedDeeperThanSystemTextJsonsDefault_IsSentAsInProcess(Gemma4RemoteEngine engine)
    {
        // 50 nested object schemas are 100 JSON levels: within the in-process limit (128), beyond System.Text.Json's 64.
        var text = string.Concat(Enumerable.Repeat("""{"type":"object","properties":{"a":""", 50)) + """{"type":"string"}""" + new string('}', 100);
        using var schema = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 200 });
        var options = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("nested", null, schema.RootElement)], ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement, "n") };
        var request = new RemoteChatRequest([new ChatMessage(ChatRole.User, "Hi")], options, new Gemma4GenerationOptions(), [], "m", Stream: false, PreserveThinking: false);

        using var sent = JsonDocument.Parse(RemoteJson.ToBinary(RemoteDialect.For(engine).ToChatRequest(request)), new JsonDocumentOptions { MaxDepth = 256 });

        Assert.Contains("\"nested\"", sent.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    private static Gemma4RemoteChatClient Client(Gemma4RemoteEngine engine) =>
        new(new Gemma4RemoteOptions { Engine = engine, Endpoint = new Uri("http://127.0.0.1:9"), Model = "m", MaxRetries = 0 });

    private static async Task Send(Gemma4RemoteChatClient client, ChatOptions options, bool stream)
    {
        if (!stream)
        {
            await client.GetResponseAsync("Hi", options);
            return;
        }

        await foreach (var _ in client.GetStreamingResponseAsync("Hi", options))
        {
        }
    }

    private static AIFunctionDeclaration Declaration(string name) =>
        AIFunctionFactory.CreateDeclaration(name, "d", JsonSerializer.SerializeToElement(new { type = "object", properties = new { } }));
}
