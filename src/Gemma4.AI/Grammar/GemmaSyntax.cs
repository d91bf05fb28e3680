using System.Text.Json;
using Gemma4.AI.Formatting;

namespace Gemma4.AI.Grammar;

/// <summary>Gemma 4's tool-call value syntax, as the chat template's <c>format_argument</c> writes it.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>Strings are <c>&lt;|"|&gt;raw text&lt;|"|&gt;</c> with the quote as one token. The text can never contain the quote's
/// characters <c>&lt;|"|&gt;</c> (neither the token nor its spelling), so it ends exactly where the parser ends it. A string
/// with a length bound cannot contain <c>|</c> at all: a counted repetition cannot also track the quote's spelling.</item>
/// <item>Numbers, <c>true</c>, <c>false</c>, <c>null</c> are bare; arrays <c>[a,b]</c>; objects <c>{key:value}</c>.</item>
/// <item>Keys are unquoted and come in the template's order (Jinja <c>dictsort</c>: case-insensitive, stable). A key the
/// parser could not read unquoted (one holding <c>:{}[],"</c>, a line break, or edge whitespace) is written as a quoted
/// string, which the parser also reads.</item>
/// <item>No whitespace anywhere, as the template writes none.</item>
/// </list>
/// </remarks>
internal sealed class GemmaSyntax : ValueSyntax
{
    public static readonly GemmaSyntax Instance = new();

    private static readonly string Quote = Gbnf.Token(Gemma4Tokens.Quote);

    private GemmaSyntax()
    {
    }

    public override Punctuation Object { get; } = new("\"{\"", "\"}\"", "\"{}\"", "\",\"");

    public override Punctuation Array { get; } = new("\"[\"", "\"]\"", "\"[]\"", "\",\"");

    public override void Prepare(GbnfGrammarBuilder grammar)
    {
    }

    public override string AnyValue(GbnfGrammarBuilder grammar)
    {
        if (!grammar.Contains("gvalue"))
        {
            grammar.GetOrAdd("gvalue", () => "gobject | garray | gstring | " + SharedRules.Number(grammar) + " | "
                + SharedRules.Boolean(grammar) + " | " + SharedRules.Null(grammar));
            grammar.GetOrAdd("gobject", () => "\"{}\" | \"{\" " + AnyKey(grammar) + " gvalue (\",\" " + AnyKey(grammar) + " gvalue)* \"}\"");
            grammar.GetOrAdd("garray", () => "\"[]\" | \"[\" gvalue (\",\" gvalue)* \"]\"");
            String(grammar, 0, null);
        }

        return "gvalue";
    }

    public override string AnyObject(GbnfGrammarBuilder grammar)
    {
        AnyValue(grammar);
        return "gobject";
    }

    public override string String(GbnfGrammarBuilder grammar, int minLength, int? maxLength)
    {
        if (minLength == 0 && maxLength is null)
        {
            if (!grammar.Contains("gstring"))
            {
                var text = ExcludingText.Add(grammar, "gtext", Gemma4Tokens.Quote);
                grammar.GetOrAdd("gstring", () => Quote + " " + text + " " + Quote);
            }

            return "gstring";
        }

        return grammar.Add("gstring-bounded", Quote + " " + Gbnf.CharClass(true, "|") + Gbnf.Repeat(minLength, maxLength) + " " + Quote);
    }

    public override string Quoted(GbnfGrammarBuilder grammar, string bodyRule) =>
        grammar.Add(bodyRule + "-gstring", Quote + " " + bodyRule + " " + Quote);

    public override string Literal(JsonElement value, string pointer)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return StringLiteral(value.GetString()!, pointer);
            case JsonValueKind.Number:
                return Gbnf.Literal(value.GetRawText());
            case JsonValueKind.True:
                return "\"true\"";
            case JsonValueKind.False:
                return "\"false\"";
            case JsonValueKind.Null:
                return "\"null\"";
            case JsonValueKind.Array:
                var items = value.EnumerateArray().Select((item, i) => Literal(item, pointer + "/" + i)).ToList();
                return items.Count == 0 ? "\"[]\"" : "\"[\" " + string.Join(" \",\" ", items) + " \"]\"";
            case JsonValueKind.Object:
                var members = GemmaKeyOrder.Sort(value.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value)))
                    .Select(p => Key(p.Key, pointer) + " " + Literal(p.Value, pointer + "/" + JsonPointer.Escape(p.Key)))
                    .ToList();
                return members.Count == 0 ? "\"{}\"" : "\"{\" " + string.Join(" \",\" ", members) + " \"}\"";
            default:
                throw new NotSupportedException($"The value at '{JsonPointer.Display(pointer)}' is not a JSON value.");
        }
    }

    public override string Key(string name, string pointer)
    {
        if (IsBareKey(name))
        {
            return Gbnf.Literal(name + ":");
        }

        return StringLiteral(name, pointer) + " \":\"";
    }

    public override string AnyKey(GbnfGrammarBuilder grammar) =>
        grammar.GetOrAdd("gkey", () => "[^:{}\\[\\],\"<|\\x00-\\x20" + Gbnf.NotScalarValues + "]+") + " \":\"";

    public override IEnumerable<KeyValuePair<string, JsonElement>> Order(IEnumerable<KeyValuePair<string, JsonElement>> properties) =>
        GemmaKeyOrder.Sort(properties);

    private static string StringLiteral(string text, string pointer)
    {
        if (text.Contains(Gemma4Tokens.Quote, StringComparison.Ordinal))
        {
            throw new NotSupportedException(
                $"The string at '{JsonPointer.Display(pointer)}' contains {Gemma4Tokens.Quote}, which Gemma 4's tool-call syntax cannot write.");
        }

        return text.Length == 0 ? Quote + " " + Quote : Quote + " " + Gbnf.Literal(text) + " " + Quote;
    }

    // What the output parser reads as a bare key: it runs to the colon, stops at structure, and trims edge whitespace.
    private static bool IsBareKey(string name) =>
        name.Length > 0
        && !char.IsWhiteSpace(name[0])
        && !char.IsWhiteSpace(name[^1])
        && name.IndexOfAny([':', '{', '}', '[', ']', ',', '"', '\n', '\r']) < 0
        && !name.StartsWith('<');
}
