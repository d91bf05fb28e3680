using System.ComponentModel;
using System.Text.Json;
using Gemma4.AI.Engine;
using Gemma4.AI.Grammar;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Grammar;

/// <summary>Grammars of every shape the generators produce, for llama.cpp to parse.</summary>
internal static class GrammarCorpus
{
    public static readonly string[] JsonSchemas =
    [
        """{"type":"string"}""",
        """{"type":"object","properties":{"a":{"type":"integer","minimum":-20,"maximum":300},"b":{"type":"string","maxLength":5},"c":{"type":"boolean"}},"required":["b"]}""",
        """{"type":"array","items":{"type":"number","minimum":-2,"maximum":3},"minItems":1,"maxItems":4}""",
        """{"type":["string","null"],"format":"date-time"}""",
        """{"type":"object","properties":{"d":{"type":"string","format":"date"},"t":{"type":"string","format":"time"},"u":{"type":"string","format":"uuid"}},"required":["d","t","u"]}""",
        """{"anyOf":[{"type":"integer","exclusiveMinimum":5},{"enum":["x","y\n\"z\"",null]},{"const":{"k":[1,2]}}]}""",
        """{"$defs":{"Node":{"type":"object","properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/$defs/Node"},"maxItems":2}},"required":["v"]}},"$ref":"#/$defs/Node"}""",
        """{"type":"object","properties":{"fixed":{"type":"integer"}},"required":["fixed"],"additionalProperties":{"type":"string","minLength":1,"maxLength":3}}""",
        """{"type":"array","prefixItems":[{"type":"string","maxLength":2},{"type":"null"}],"items":false}""",
        """{"type":"string","minLength":3,"maxLength":1000}""",
        """{"type":"array","items":{"type":"integer"},"minItems":999,"maxItems":1000}""",
        """{}""",
        """{"type":"object","properties":{"weird \"key\"\\":{"type":"number"},"é😀\n":{"type":"integer","maximum":-3}}}""",
        """{"type":"object","properties":{"next":{"$ref":"#"},"v":{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991}}}""",
    ];

    public static readonly string[] ToolSchemas =
    [
        """{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1,"maximum":14},"unit":{"enum":["C","F"]}},"required":["city"]}""",
        """{"type":"object","properties":{"Z":{"type":"array","items":{"type":"number"}},"a":{"type":["boolean","null"]},"m":{"type":"object","properties":{"B":{"type":"string","maxLength":4},"a":{"const":3}},"required":["a","B"]}},"required":["Z","a","m"]}""",
        """{"type":"object","properties":{"any":{},"map":{"type":"object","additionalProperties":{"type":"integer"}}},"required":["any","map"]}""",
        """{"type":"object","properties":{"key:with,structure":{"type":"string","format":"date"}," spaced ":{"type":"null"},"e":{"enum":["a\"b","<tag>","line\nbreak"]}},"required":["key:with,structure"," spaced "]}""",
        """{"type":"object","properties":{}}""",
        """{}""",
    ];

    public enum Color
    {
        Red,
        Green,
    }

    public static IEnumerable<(string Name, GrammarConstraint Grammar)> All(int toolCallTokenId)
    {
        foreach (var (schema, i) in JsonSchemas.Select((s, i) => (s, i)))
        {
            yield return ($"json schema {i}", ResponseFormatGrammar.Build(ChatResponseFormat.ForJsonSchema(Parse(schema)))!);
        }

        yield return ("json mode", ResponseFormatGrammar.Build(ChatResponseFormat.Json)!);
        yield return ("json CLR type", ResponseFormatGrammar.Build(ChatResponseFormat.ForJsonSchema<Person>())!);

        var tools = ToolSchemas.Select((s, i) => AIFunctionFactory.CreateDeclaration("tool_" + i, null, Parse(s))).ToList();
        tools.Add(AIFunctionFactory.Create(
            ([Description("where")] string city, int days, double? temperature, Color color, List<int> numbers, Person? person) => string.Empty, "plan"));
        foreach (var multiple in (bool[])[true, false])
        {
            yield return ($"RequireAny multiple={multiple}", ToolCallGrammar.Build(tools, ChatToolMode.RequireAny, multiple)!);
            yield return ($"Auto pattern multiple={multiple}", ToolCallGrammar.Build(tools, ChatToolMode.Auto, multiple)!);
            yield return ($"Auto token multiple={multiple}", ToolCallGrammar.Build(tools, ChatToolMode.Auto, multiple, new GrammarOptions(ToolCallTokenId: toolCallTokenId))!);
        }

        foreach (var tool in tools)
        {
            yield return ($"RequireSpecific {tool.Name}", ToolCallGrammar.Build(tools, ChatToolMode.RequireSpecific(tool.Name), true)!);
        }

        foreach (var thought in (ThoughtPrefix[])[ThoughtPrefix.Optional, ThoughtPrefix.Open])
        {
            yield return ($"RequireAny thought={thought}", ToolCallGrammar.Build(tools, ChatToolMode.RequireAny, true, new GrammarOptions(thought))!);
            yield return ($"json thought={thought}", ResponseFormatGrammar.Build(ChatResponseFormat.Json, new GrammarOptions(thought))!);
        }

        yield return ("Auto + json", ChatGrammar.Build(new ChatOptions { Tools = [.. tools], ResponseFormat = ChatResponseFormat.ForJsonSchema<Person>() })!);
    }

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public sealed record Address(string Street, int? Number);

    public sealed class Node
    {
        public string Name { get; set; } = string.Empty;

        public List<Node> Children { get; set; } = [];
    }

    public sealed record Person(
        string Name, int Age, double Height, bool Active, Color Favorite, DateTime Born, DateOnly Day, TimeOnly At, Guid Id,
        Address Home, Address? Work, List<string> Tags, Dictionary<string, int> Scores, Node Tree);
}
