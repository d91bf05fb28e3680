using System.Text.Json;

namespace Gemma4.AI.Grammar;

/// <summary>Objects and arrays.</summary>
internal sealed partial class SchemaConverter
{
    private string Object(JsonElement schema, string pointer, string hint)
    {
        var properties = new List<KeyValuePair<string, JsonElement>>();
        if (schema.TryGetProperty("properties", out var declared))
        {
            if (declared.ValueKind != JsonValueKind.Object)
            {
                throw SchemaKeywords.Unsupported("properties", pointer + "/properties", "properties must be an object");
            }

            properties.AddRange(declared.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value)));
        }

        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var names))
        {
            if (names.ValueKind != JsonValueKind.Array || names.EnumerateArray().Any(n => n.ValueKind != JsonValueKind.String))
            {
                throw SchemaKeywords.Unsupported("required", pointer + "/required", "required must be an array of strings");
            }

            required.UnionWith(names.EnumerateArray().Select(n => n.GetString()!));
        }

        // Declared properties close the object unless additionalProperties says otherwise (OpenAI's strict mode does the same).
        JsonElement? additional = null;
        var additionalPointer = pointer + "/additionalProperties";
        if (schema.TryGetProperty("additionalProperties", out var extra))
        {
            additional = extra;
        }
        else if (schema.TryGetProperty("unevaluatedProperties", out var unevaluated))
        {
            additional = unevaluated;
            additionalPointer = pointer + "/unevaluatedProperties";
        }

        var allowsExtra = additional is { } a ? a.ValueKind != JsonValueKind.False : declared.ValueKind != JsonValueKind.Object;
        foreach (var name in required.Where(n => properties.TrueForAll(p => p.Key != n)))
        {
            if (!allowsExtra)
            {
                throw SchemaKeywords.Unsupported("required", pointer + "/required", $"the required property '{name}' is not declared and no other properties are allowed");
            }

            // A required member without a declaration takes the schema of the extra members.
            properties.Add(KeyValuePair.Create(name, additional ?? default));
        }

        if (properties.Count == 0 && allowsExtra && additional is not { ValueKind: JsonValueKind.Object })
        {
            return _syntax.AnyObject(_grammar);
        }

        return AfterOpening(() =>
        {
            var members = _syntax.Order(properties).Select(p =>
            {
                var valuePointer = declared.ValueKind == JsonValueKind.Object && declared.TryGetProperty(p.Key, out _)
                    ? pointer + "/properties/" + JsonPointer.Escape(p.Key)
                    : additionalPointer;
                var value = p.Value.ValueKind == JsonValueKind.Undefined
                    ? _syntax.AnyValue(_grammar)
                    : Visit(p.Value, valuePointer, hint + "-" + p.Key);
                return (Pair: _syntax.Key(p.Key, valuePointer) + " " + value, Required: required.Contains(p.Key));
            }).ToList();

            string? extraMember = null;
            if (allowsExtra)
            {
                var value = additional is { ValueKind: JsonValueKind.Object } schemaOfExtra
                    ? Visit(schemaOfExtra, additionalPointer, hint + "-extra")
                    : _syntax.AnyValue(_grammar);
                extraMember = _syntax.AnyKey(_grammar) + " " + value;
            }

            return _grammar.Add(hint, ObjectBody(members, extraMember, hint));
        });
    }

    // Members in a fixed order; optional ones may be left out, and the separators stay right whichever are written.
    private string ObjectBody(List<(string Pair, bool Required)> members, string? extraMember, string hint)
    {
        var p = _syntax.Object;
        var tails = new string?[members.Count + 1];

        // What may follow once at least one member has been written, from member j on.
        string Tail(int j)
        {
            if (tails[j] is { } known)
            {
                return known;
            }

            string tail;
            if (j == members.Count)
            {
                tail = extraMember is null ? string.Empty : "(" + p.Separator + " " + extraMember + ")*";
            }
            else
            {
                var rest = Tail(j + 1);
                var withMember = Join(p.Separator, members[j].Pair, rest);
                tail = members[j].Required ? withMember
                    : _grammar.Add(hint + "-tail", rest.Length == 0 ? "| " + withMember : withMember + " | " + rest);
            }

            tails[j] = tail;
            return tail;
        }

        // The first member written: any optional one up to the first required one.
        var firsts = new List<string>();
        var anyRequired = false;
        for (var j = 0; j < members.Count; j++)
        {
            firsts.Add(Join(members[j].Pair, Tail(j + 1)));
            if (members[j].Required)
            {
                anyRequired = true;
                break;
            }
        }

        if (!anyRequired && extraMember is not null)
        {
            firsts.Add(Join(extraMember, Tail(members.Count)));
        }

        if (firsts.Count == 0)
        {
            return p.Empty;
        }

        var filled = p.Open + " " + (firsts.Count == 1 ? firsts[0] : "(" + string.Join(" | ", firsts) + ")") + " " + p.Close;
        return anyRequired ? filled : p.Empty + " | " + filled;
    }

    private string Array(JsonElement schema, string pointer, string hint)
    {
        var p = _syntax.Array;
        var minItems = Count(schema, "minItems", pointer) ?? 0;
        var maxItems = Count(schema, "maxItems", pointer);
        if (minItems > MaxRepetition)
        {
            throw SchemaKeywords.Unsupported("minItems", pointer + "/minItems", $"at most {MaxRepetition} can be enforced");
        }

        if (maxItems > MaxRepetition)
        {
            maxItems = null;
        }

        if (maxItems < minItems)
        {
            throw SchemaKeywords.Unsupported("maxItems", pointer + "/maxItems", "maxItems is below minItems");
        }

        // prefixItems (or the older array form of items) are a tuple; items (or additionalItems) the rest.
        List<(JsonElement Schema, string Pointer)> prefix = [];
        JsonElement? rest = null;
        var restPointer = pointer + "/items";
        if (schema.TryGetProperty("prefixItems", out var prefixItems))
        {
            prefix = Subschemas(prefixItems, pointer + "/prefixItems", "prefixItems");
            rest = schema.TryGetProperty("items", out var items) ? items
                : schema.TryGetProperty("unevaluatedItems", out var unevaluated) ? unevaluated
                : null;
        }
        else if (schema.TryGetProperty("items", out var items))
        {
            if (items.ValueKind == JsonValueKind.Array)
            {
                prefix = Subschemas(items, pointer + "/items", "items");
                rest = schema.TryGetProperty("additionalItems", out var additionalItems) ? additionalItems : null;
                restPointer = pointer + "/additionalItems";
            }
            else
            {
                rest = items;
            }
        }

        return AfterOpening(() =>
        {
            var prefixRules = prefix.Select((s, i) => Visit(s.Schema, s.Pointer, hint + "-" + i)).ToList();
            string? item = rest is { ValueKind: JsonValueKind.False } ? null
                : rest is { } r ? Visit(r, restPointer, hint + "-item")
                : _syntax.AnyValue(_grammar);
            return _grammar.Add(hint, ArrayBody(prefixRules, item, minItems, maxItems, pointer));
        });

        string ArrayBody(List<string> tuple, string? item, int min, int? max, string at)
        {
            if (tuple.Count > 0)
            {
                // Every prefix item is written: stricter than the schema, never invalid.
                if (max < tuple.Count)
                {
                    throw SchemaKeywords.Unsupported("prefixItems", at + "/prefixItems", "more prefix items than maxItems allows");
                }

                var more = item is null ? string.Empty
                    : "(" + p.Separator + " " + item + ")" + Gbnf.Repeat(Math.Max(0, min - tuple.Count), max - tuple.Count);
                if (item is null && min > tuple.Count)
                {
                    throw SchemaKeywords.Unsupported("minItems", at + "/minItems", "more items required than the tuple holds");
                }

                return p.Open + " " + string.Join(" " + p.Separator + " ", tuple) + (more.Length > 0 ? " " + more : string.Empty) + " " + p.Close;
            }

            if (item is null || max == 0)
            {
                return min == 0 ? p.Empty : throw SchemaKeywords.Unsupported("minItems", at + "/minItems", "items are required but none are allowed");
            }

            var repeat = max == 1 ? string.Empty : " (" + p.Separator + " " + item + ")" + Gbnf.Repeat(Math.Max(0, min - 1), max - 1);
            var filled = p.Open + " " + item + repeat + " " + p.Close;
            return min == 0 ? p.Empty + " | " + filled : filled;
        }
    }

    private static string Join(params string[] parts) => string.Join(" ", parts.Where(s => s.Length > 0));
}
