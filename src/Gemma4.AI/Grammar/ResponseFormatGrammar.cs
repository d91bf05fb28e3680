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
        var value = AddValue(grammar, json.Schema);
        return new GrammarConstraint(grammar.Build(ThoughtRules.Prefix(grammar, (options ?? GrammarOptions.Default).Thought) + value));
    }

    /// <summary>Adds the rules for the JSON answer and returns the rule of its value.</summary>
    public static string AddValue(GbnfGrammarBuilder grammar, JsonElement? schema) => schema is { } s
        ? new SchemaConverter(grammar, JsonSyntax.Instance, s, "schema").Convert()
        : JsonSyntax.Instance.AnyObject(grammar);
}
