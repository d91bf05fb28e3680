using System.Text.Json;

namespace Gemma4.AI.Grammar;

/// <summary>
/// Turns a JSON Schema into GBNF rules for values in a <see cref="ValueSyntax"/> (JSON, or Gemma 4's tool-call syntax).
/// </summary>
/// <remarks>
/// <para>Supported: <c>type</c> (one or a list), <c>enum</c>, <c>const</c>, <c>anyOf</c>/<c>oneOf</c> (oneOf's exclusivity is
/// not enforced), <c>allOf</c> with one schema, <c>nullable</c>, local <c>$ref</c> (any JSON pointer, such as
/// <c>#/$defs/X</c>, <c>#/definitions/X</c> or <c>#</c>; recursion allowed), the schemas <c>true</c> and <c>{}</c>
/// (any value), and per type:</para>
/// <list type="bullet">
/// <item>object: <c>properties</c>, <c>required</c>, <c>additionalProperties</c> (or <c>unevaluatedProperties</c>). Without
/// them, an object that has a <c>properties</c> keyword (even <c>{}</c>) allows no other members, as OpenAI's strict mode
/// does, while one without it allows any members. Members come in the order <see cref="ValueSyntax.Order"/> gives
/// (declared order for JSON, the template's key order for tool calls); optional ones may be left out; extra members
/// come after the declared ones (their keys are not checked against the declared names).</item>
/// <item>array: <c>items</c>, <c>prefixItems</c> (every prefix item is then required), <c>minItems</c>, <c>maxItems</c>.</item>
/// <item>string: <c>minLength</c>, <c>maxLength</c>, <c>format</c> date, time, date-time and uuid (other formats: any string).</item>
/// <item>integer: <c>minimum</c>, <c>maximum</c>, <c>exclusiveMinimum</c>, <c>exclusiveMaximum</c>, and the sized formats
/// (<c>int32</c>, <c>uint8</c>, …; see <see cref="IntegerRange"/>), narrowed to what the .NET parameter holds when it is
/// known; without any bound, at most 16 digits (within <c>long</c>).</item>
/// <item>number: <c>minimum</c> and <c>maximum</c> when they are integers (the number is then written without exponent).</item>
/// </list>
/// <para>Repetition bounds above <see cref="MaxRepetition"/> (a long <c>maxLength</c> or <c>maxItems</c>) are not enforced:
/// llama.cpp expands a bounded repetition into one rule per step. Everything else that constrains values
/// (<c>pattern</c>, <c>not</c>, <c>if</c>, external <c>$ref</c>, …) throws <see cref="NotSupportedException"/> naming
/// the feature and its JSON pointer.</para>
/// </remarks>
internal sealed partial class SchemaConverter
{
    /// <summary>The largest repetition count written into a grammar.</summary>
    public const int MaxRepetition = 1000;

    /// <summary>The deepest nesting of subschemas converted (a JSON document nests at most 64 levels by default).</summary>
    public const int MaxNesting = 128;

    private readonly GbnfGrammarBuilder _grammar;
    private readonly ValueSyntax _syntax;
    private readonly JsonElement _document;
    private readonly string _prefix;
    private readonly Dictionary<string, string> _refs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _recursive = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, IntegerRange> _integerRanges;

    // $refs being resolved since the last object or array opened: meeting one again would be left recursion.
    private HashSet<string> _unconsumed = new(StringComparer.Ordinal);
    private int _depth;

    /// <summary>Creates a converter for one schema document.</summary>
    /// <param name="grammar">Where the rules go (shared between several schemas to share rules).</param>
    /// <param name="syntax">How values are written.</param>
    /// <param name="document">The whole schema document; <c>$ref</c>s resolve against it.</param>
    /// <param name="prefix">The start of every rule name made for this schema (must not be a shared rule's name).</param>
    /// <param name="integerRanges">What the .NET types behind the schema can hold, by JSON pointer (<see cref="IntegerRange.OfParameters"/>).</param>
    public SchemaConverter(GbnfGrammarBuilder grammar, ValueSyntax syntax, JsonElement document, string prefix, IReadOnlyDictionary<string, IntegerRange>? integerRanges = null)
    {
        _integerRanges = integerRanges ?? new Dictionary<string, IntegerRange>();
        _grammar = grammar;
        _syntax = syntax;
        _document = document;
        _prefix = prefix;
        syntax.Prepare(grammar);
    }

    /// <summary>The rule for a value the whole document accepts.</summary>
    public string Convert() => Visit(_document, string.Empty, _prefix);

    /// <summary>The rule for an object the whole document accepts (tool arguments).</summary>
    /// <exception cref="NotSupportedException">The schema does not describe an object.</exception>
    public string ConvertObject()
    {
        var schema = _document;
        var pointer = string.Empty;
        if (schema.ValueKind == JsonValueKind.True || (schema.ValueKind == JsonValueKind.Object && !HasConstraints(schema)))
        {
            return _syntax.AnyObject(_grammar);
        }

        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type", out var type)
            && !(type.ValueKind == JsonValueKind.String && type.ValueEquals("object")))
        {
            throw SchemaKeywords.Unsupported("type", pointer + "/type", "tool parameters must be a JSON object schema (\"type\": \"object\")");
        }

        return Visit(schema, pointer, _prefix);
    }

    private string Visit(JsonElement schema, string pointer, string hint)
    {
        // A caller's schema can nest as deep as its JsonDocument allowed: recursing without a limit overflows the stack,
        // which no catch survives.
        if (++_depth > MaxNesting)
        {
            throw SchemaKeywords.Unsupported("nesting", pointer, $"schemas nested more than {MaxNesting} levels deep cannot be enforced");
        }

        try
        {
            return VisitNested(schema, pointer, hint);
        }
        finally
        {
            _depth--;
        }
    }

    private string VisitNested(JsonElement schema, string pointer, string hint)
    {
        switch (schema.ValueKind)
        {
            case JsonValueKind.True:
                return _syntax.AnyValue(_grammar);
            case JsonValueKind.False:
                throw SchemaKeywords.Unsupported("false", pointer, "no value matches the schema false");
            case JsonValueKind.Object:
                break;
            default:
                throw SchemaKeywords.Unsupported(schema.ValueKind.ToString(), pointer, "a schema must be an object or a boolean");
        }

        SchemaKeywords.ThrowIfRefused(schema, pointer);
        string rule;
        if (schema.TryGetProperty("$ref", out var reference))
        {
            if (HasConstraints(schema, "$ref", "nullable"))
            {
                throw SchemaKeywords.Unsupported("$ref", pointer + "/$ref", "a $ref next to other validation keywords");
            }

            rule = Ref(reference, pointer + "/$ref");
        }
        else
        {
            rule = Constrained(schema, pointer, hint);
        }

        if (schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True)
        {
            rule = _grammar.Add(hint + "-or-null", rule + " | " + SharedRules.Null(_grammar));
        }

        return rule;
    }

    private string Constrained(JsonElement schema, string pointer, string hint)
    {
        if (schema.TryGetProperty("const", out var constant))
        {
            return _grammar.Add(hint + "-const", _syntax.Literal(constant, pointer + "/const"));
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                throw SchemaKeywords.Unsupported("enum", pointer + "/enum", "enum must be a non-empty array");
            }

            var literals = values.EnumerateArray().Select((v, i) => _syntax.Literal(v, pointer + "/enum/" + i)).Distinct();
            return _grammar.Add(hint + "-enum", string.Join(" | ", literals));
        }

        foreach (var keyword in (string[])["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(keyword, out var options))
            {
                if (HasConstraints(schema, keyword, "nullable"))
                {
                    throw SchemaKeywords.Unsupported(keyword, pointer + "/" + keyword, $"{keyword} next to other validation keywords");
                }

                var alternatives = Subschemas(options, pointer + "/" + keyword, keyword)
                    .Select((s, i) => Visit(s.Schema, s.Pointer, hint + "-" + i)).Distinct();
                return _grammar.Add(hint + "-" + keyword, string.Join(" | ", alternatives));
            }
        }

        if (schema.TryGetProperty("allOf", out var all))
        {
            var parts = Subschemas(all, pointer + "/allOf", "allOf");
            if (parts.Count != 1 || HasConstraints(schema, "allOf", "nullable"))
            {
                throw SchemaKeywords.Unsupported("allOf", pointer + "/allOf", "only an allOf with a single schema and nothing beside it is supported");
            }

            return Visit(parts[0].Schema, parts[0].Pointer, hint);
        }

        return Typed(schema, pointer, hint);
    }

    private string Typed(JsonElement schema, string pointer, string hint)
    {
        var types = Types(schema, pointer);
        if (types.Count == 0)
        {
            return _syntax.AnyValue(_grammar);
        }

        var rules = types.Select(t => t switch
        {
            "object" => Object(schema, pointer, types.Count == 1 ? hint : hint + "-object"),
            "array" => Array(schema, pointer, types.Count == 1 ? hint : hint + "-array"),
            "string" => String(schema, pointer, hint),
            "integer" => Integer(schema, pointer, hint),
            "number" => Number(schema, pointer, hint),
            "boolean" => SharedRules.Boolean(_grammar),
            "null" => SharedRules.Null(_grammar),
            _ => throw SchemaKeywords.Unsupported("type", pointer + "/type", $"unknown type '{t}'"),
        }).Distinct().ToList();
        return rules.Count == 1 ? rules[0] : _grammar.Add(hint + "-types", string.Join(" | ", rules));
    }

    // The declared types, or the one the keywords imply; none means any value.
    private static List<string> Types(JsonElement schema, string pointer)
    {
        if (schema.TryGetProperty("type", out var type))
        {
            return type.ValueKind switch
            {
                JsonValueKind.String => [type.GetString()!],
                JsonValueKind.Array when type.GetArrayLength() > 0 && type.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String) =>
                    type.EnumerateArray().Select(t => t.GetString()!).Distinct().ToList(),
                _ => throw SchemaKeywords.Unsupported("type", pointer + "/type", "type must be a string or a non-empty array of strings"),
            };
        }

        bool Has(params string[] keywords) => keywords.Any(k => schema.TryGetProperty(k, out _));
        return Has("properties", "additionalProperties", "required") ? ["object"]
            : Has("items", "prefixItems", "minItems", "maxItems") ? ["array"]
            : Has("minLength", "maxLength", "format") ? ["string"]
            : Has("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum") ? ["number"]
            : [];
    }

    private string Ref(JsonElement reference, string pointer)
    {
        var text = reference.ValueKind == JsonValueKind.String ? reference.GetString()! : string.Empty;
        if (!text.StartsWith('#'))
        {
            throw SchemaKeywords.Unsupported("$ref", pointer, $"only references within the schema (starting with '#') are supported, not '{text}'");
        }

        var target = Uri.UnescapeDataString(text[1..]);
        if (target.Length > 0 && target[0] != '/')
        {
            throw SchemaKeywords.Unsupported("$ref", pointer, $"references to anchors ('{text}') are not supported; use a JSON pointer");
        }

        if (_unconsumed.Contains(target))
        {
            throw SchemaKeywords.Unsupported("$ref", pointer, $"'{text}' refers back to itself without an object or array in between");
        }

        if (_refs.TryGetValue(target, out var known))
        {
            _recursive.Add(target);
            return known;
        }

        if (!JsonPointer.TryResolve(_document, target, out var resolved))
        {
            throw SchemaKeywords.Unsupported("$ref", pointer, $"'{text}' does not resolve within the schema");
        }

        var hint = _prefix + "-" + (target.Length == 0 ? "self" : target[(target.LastIndexOf('/') + 1)..]);
        var name = _grammar.Reserve(hint);
        _refs[target] = name;
        _unconsumed.Add(target);
        var rule = Visit(resolved, target, hint);
        _unconsumed.Remove(target);
        if (_recursive.Contains(target))
        {
            _grammar.Define(name, rule);
            return name;
        }

        // Not recursive: no alias rule needed.
        _grammar.Release(name);
        _refs[target] = rule;
        return rule;
    }

    // Runs a visit of children that come after an opening bracket: a $ref met there again is proper recursion.
    private T AfterOpening<T>(Func<T> visit)
    {
        var saved = _unconsumed;
        _unconsumed = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            return visit();
        }
        finally
        {
            _unconsumed = saved;
        }
    }

    private static List<(JsonElement Schema, string Pointer)> Subschemas(JsonElement array, string pointer, string keyword)
    {
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            throw SchemaKeywords.Unsupported(keyword, pointer, keyword + " must be a non-empty array of schemas");
        }

        return array.EnumerateArray().Select((s, i) => (s, pointer + "/" + i)).ToList();
    }

    // Whether the schema has validation keywords other than the given ones (annotations and unknown keywords don't count).
    // A subschema that accepts everything ({} or true, as MEAI writes "items": {} beside a recursive $ref) constrains nothing.
    private static bool HasConstraints(JsonElement schema, params string[] except) =>
        schema.EnumerateObject().Any(p => !except.Contains(p.Name) && !SchemaKeywords.Annotations.Contains(p.Name) && IsValidationKeyword(p.Name)
            && !(IsSchemaValued(p.Name) && SchemaKeywords.IsTrivial(p.Value)));

    private static bool IsSchemaValued(string name) => name is "items" or "additionalProperties" or "additionalItems" or "unevaluatedProperties"
        or "unevaluatedItems" or "contains" or "propertyNames";

    private static bool IsValidationKeyword(string name) => name is
        "$ref" or "type" or "enum" or "const" or "anyOf" or "oneOf" or "allOf" or "nullable"
        or "properties" or "required" or "additionalProperties" or "unevaluatedProperties"
        or "items" or "prefixItems" or "additionalItems" or "minItems" or "maxItems" or "uniqueItems" or "unevaluatedItems"
        or "minLength" or "maxLength" or "format" or "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum"
        or "pattern" or "patternProperties" or "not" or "if" or "then" or "else" or "dependentRequired" or "dependentSchemas"
        or "dependencies" or "propertyNames" or "contains" or "minContains" or "maxContains" or "multipleOf"
        or "minProperties" or "maxProperties" or "$dynamicRef" or "$recursiveRef";
}
