using System.Text.Json;
using Gemma4.AI.Engine;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Grammar;

/// <summary>Grammars for <see cref="ChatOptions.ResponseFormat"/>: the answer is JSON, matching a schema if one is given.</summary>
/// <remarks>
/// <para>Plain JSON mode (<see cref="ChatResponseFormat.Json"/>, no schema) produces a JSON object, as OpenAI's JSON mode
/// does, since callers deserialize it into a type. With a schema the top-level value is whatever the schema allows.</para>
/// <para>The grammar ends with the value; llama.cpp then allows only end-of-generation tokens, so generation stops.</para>
/// </remarks>
internal static class ResponseFormatGrammar
{
    /// <summary>The grammar for <paramref name="format"/>, or null for text (or no format).</summary>
    /// <exception cref="NotSupportedException">The schema uses a feature that cannot be enforced.</exception>
    public static GrammarConstraint? Build(ChatResponseFormat? format, GrammarOptions? options = null)
    {
        if (format is not ChatResponseFormatJson json)
        {
            return null;
        }

        var grammar = new GbnfGrammarBuilder();
        options ??= GrammarOptions.Default;
        var value = AddValue(grammar, json.Schema, options.MaxStringLength);
        return new GrammarConstraint(grammar.Build(ThoughtRules.Prefix(grammar, options.Thought) + value));
    }

    /// <summary>Refuses a ResponseFormat schema that holds a lone surrogate (also checked by the remote client).</summary>
    /// <exception cref="ArgumentException">A key or string of the schema holds a lone surrogate; the message gives its JSON pointer.</exception>
    public static void CheckSchema(JsonElement schema)
    {
        if (Formatting.Utf16.FindLoneSurrogate(schema) is { } pointer)
        {
            throw new ArgumentException(
                $"ChatOptions.ResponseFormat's JSON schema has a lone surrogate (half of a UTF-16 character) at {JsonPointer.Display(pointer)}: "
                + "keys, enum values and constants must be valid Unicode to be written and matched.",
                nameof(schema));
        }
    }

    /// <summary>Adds the rules for the JSON answer and returns the rule of its value.</summary>
    /// <exception cref="ArgumentException">A key or string of the schema holds a lone surrogate.</exception>
    public static string AddValue(GbnfGrammarBuilder grammar, JsonElement? schema, int? maxStringLength = null)
    {
        if (schema is not { } s)
        {
            return JsonSyntax.WithStringLimit(maxStringLength).AnyObject(grammar);
        }

        CheckSchema(s);
        return new SchemaConverter(grammar, JsonSyntax.WithStringLimit(maxStringLength), s, "schema").Convert();
    }
}
