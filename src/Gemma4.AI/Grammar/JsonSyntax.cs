using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gemma4.AI.Grammar;

/// <summary>JSON values, with a little optional whitespace.</summary>
/// <remarks>
/// Whitespace (<c>ws</c>: nothing, one space, or a newline and up to 20 spaces or tabs) may follow <c>{</c>, <c>[</c>,
/// <c>,</c> and <c>:</c> and precede <c>}</c> and <c>]</c>, so both compact and pretty-printed JSON are possible but a
/// random model cannot pad forever. Strings are JSON strings: raw characters except <c>"</c>, <c>\</c> and controls,
/// or escapes; <c>\u</c> escapes of surrogates are excluded so every string decodes (non-BMP characters come raw).
/// Members are written in the order the schema declares them.
/// </remarks>
internal sealed class JsonSyntax : ValueSyntax
{
    public static readonly JsonSyntax Instance = new();

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private JsonSyntax()
    {
    }

    public override Punctuation Object { get; } = new("\"{\" ws", "ws \"}\"", "\"{\" ws \"}\"", "\",\" ws");

    public override Punctuation Array { get; } = new("\"[\" ws", "ws \"]\"", "\"[\" ws \"]\"", "\",\" ws");

    public override void Prepare(GbnfGrammarBuilder grammar) => grammar.GetOrAdd("ws", () => "| \" \" | \"\\n\" [ \\t]{0,20}");

    public override string AnyValue(GbnfGrammarBuilder grammar)
    {
        if (!grammar.Contains("value"))
        {
            Prepare(grammar);
            grammar.GetOrAdd("value", () => "object | array | string | " + SharedRules.Number(grammar) + " | "
                + SharedRules.Boolean(grammar) + " | " + SharedRules.Null(grammar));
            grammar.GetOrAdd("object", () => "\"{\" ws \"}\" | \"{\" ws string \":\" ws value (\",\" ws string \":\" ws value)* ws \"}\"");
            grammar.GetOrAdd("array", () => "\"[\" ws \"]\" | \"[\" ws value (\",\" ws value)* ws \"]\"");
            String(grammar, 0, null);
        }

        return "value";
    }

    public override string AnyObject(GbnfGrammarBuilder grammar)
    {
        AnyValue(grammar);
        return "object";
    }

    public override string String(GbnfGrammarBuilder grammar, int minLength, int? maxLength)
    {
        var c = grammar.GetOrAdd("char", () =>
            "[^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" ([0-9a-cA-CeEfF] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2}))");
        return minLength == 0 && maxLength is null
            ? grammar.GetOrAdd("string", () => "\"\\\"\" " + c + "* \"\\\"\"")
            : grammar.Add("string-bounded", "\"\\\"\" " + c + Gbnf.Repeat(minLength, maxLength) + " \"\\\"\"");
    }

    public override string Quoted(GbnfGrammarBuilder grammar, string bodyRule) =>
        grammar.Add(bodyRule + "-string", "\"\\\"\" " + bodyRule + " \"\\\"\"");

    public override string Literal(JsonElement value, string pointer) => Gbnf.Literal(Canonical(value));

    public override string Key(string name, string pointer) => Gbnf.Literal(Canonical(name) + ":") + " ws";

    public override string AnyKey(GbnfGrammarBuilder grammar) => String(grammar, 0, null) + " \":\" ws";

    public override IEnumerable<KeyValuePair<string, JsonElement>> Order(IEnumerable<KeyValuePair<string, JsonElement>> properties) => properties;

    /// <summary>Compact JSON text with minimal escaping: the one spelling the grammar allows for a constant.</summary>
    public static string Canonical(JsonElement value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Canonical(string text)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStringValue(text);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
