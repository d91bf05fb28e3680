using System.Globalization;
using System.Text;
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
            "[^\"\\\\\\x7F\\x00-\\x1F" + Gbnf.NotScalarValues + "] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" ([0-9a-cA-CeEfF] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2}))");
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
    /// <remarks>Only <c>"</c>, <c>\</c>, control characters, DEL and lone surrogates are escaped; everything else (emoji
    /// included) is written raw, as a model writes it.</remarks>
    public static string Canonical(JsonElement value)
    {
        var sb = new StringBuilder();
        Write(sb, value);
        return sb.ToString();
    }

    private static string Canonical(string text) => AppendString(new StringBuilder(), text).ToString();

    private static void Write(StringBuilder sb, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                sb.Append('{');
                var first = true;
                foreach (var p in value.EnumerateObject())
                {
                    sb.Append(first ? string.Empty : ",");
                    first = false;
                    AppendString(sb, p.Name).Append(':');
                    Write(sb, p.Value);
                }

                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    sb.Append(i++ == 0 ? string.Empty : ",");
                    Write(sb, item);
                }

                sb.Append(']');
                break;
            case JsonValueKind.String:
                AppendString(sb, value.GetString()!);
                break;
            default:
                sb.Append(value.GetRawText());
                break;
        }
    }

    private static StringBuilder AppendString(StringBuilder sb, string text)
    {
        sb.Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    var paired = char.IsHighSurrogate(c) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                        : char.IsLowSurrogate(c) ? i > 0 && char.IsHighSurrogate(text[i - 1])
                        : true;
                    if (c < 0x20 || c == 0x7F || !paired)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"');
    }
}
