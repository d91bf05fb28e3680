using System.Text;
using System.Text.Json;
using Gemma4.AI.Formatting;
using Gemma4.AI.Grammar;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Formatting;

/// <summary>
/// JSON nested deeper than anything real (tool schemas, arguments, results, response formats) is refused with an
/// exception: walking it recursively overflowed the stack, which kills the process.
/// </summary>
public sealed class DeepNestingTests
{
    private const int Depth = 20_000;

    [Fact]
    public void ToolSchema_NestedTwentyThousandLevels_IsRefusedNamingTheTool()
    {
        var options = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("deep", null, DeepSchema(Depth))] };

        var ex = Assert.Throws<NotSupportedException>(() => new Gemma4PromptFormatter().Format([new ChatMessage(ChatRole.User, "hi")], options));
        var grammar = Assert.Throws<NotSupportedException>(() => ChatGrammar.Build(new ChatOptions { Tools = options.Tools, ToolMode = ChatToolMode.RequireAny }));

        Assert.Contains("tool 'deep'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nested more than", grammar.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResponseFormatSchema_NestedTwentyThousandLevels_IsRefused()
    {
        var ex = Assert.Throws<NotSupportedException>(() => ChatGrammar.Build(new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(DeepSchema(Depth)) }));

        Assert.Contains($"nested more than {SchemaConverter.MaxNesting} levels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArgumentsAndResults_NestedTwentyThousandLevels_AreRefusedNamingTheCall()
    {
        var deep = JsonDocument.Parse(new string('[', Depth) + new string(']', Depth), new JsonDocumentOptions { MaxDepth = Depth + 1 }).RootElement;
        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "f", new Dictionary<string, object?> { ["a"] = deep })]);
        var result = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", deep)]);
        var formatter = new Gemma4PromptFormatter();

        var arguments = Assert.Throws<NotSupportedException>(() => formatter.Format([new(ChatRole.User, "hi"), call]));
        var results = Assert.Throws<NotSupportedException>(() => formatter.Format(
            [new(ChatRole.User, "hi"), new(ChatRole.Assistant, [new FunctionCallContent("c1", "f")]), result]));

        Assert.Contains("argument 'a' of function call 'f'", arguments.Message, StringComparison.Ordinal);
        Assert.Contains("the result of function call 'c1'", results.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NestingUpToTheLimit_StillWorks()
    {
        var options = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("nested", null, DeepSchema(30))], ToolMode = ChatToolMode.RequireAny };

        Assert.Contains("nested", new Gemma4PromptFormatter().Format([new ChatMessage(ChatRole.User, "hi")], options), StringComparison.Ordinal);
        Assert.NotNull(ChatGrammar.Build(options));
    }

    private static JsonElement DeepSchema(int depth)
    {
        var text = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            text.Append("""{"type":"object","properties":{"a":""");
        }

        text.Append("""{"type":"string"}""");
        for (var i = 0; i < depth; i++)
        {
            text.Append("}}");
        }

        return JsonDocument.Parse(text.ToString(), new JsonDocumentOptions { MaxDepth = (depth * 3) + 10 }).RootElement;
    }
}
