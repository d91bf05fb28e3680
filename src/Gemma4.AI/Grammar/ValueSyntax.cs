using System.Text.Json;

namespace Gemma4.AI.Grammar;

/// <summary>How values are written: JSON for structured output, or Gemma 4's tool-call value syntax.</summary>
/// <remarks>The schema converter is the same for both; only the punctuation, strings, keys and key order differ.</remarks>
internal abstract class ValueSyntax
{
    /// <summary>The punctuation of objects.</summary>
    public abstract Punctuation Object { get; }

    /// <summary>The punctuation of arrays.</summary>
    public abstract Punctuation Array { get; }

    /// <summary>Adds the helper rules the punctuation refers to.</summary>
    public abstract void Prepare(GbnfGrammarBuilder grammar);

    /// <summary>A rule for any value.</summary>
    public abstract string AnyValue(GbnfGrammarBuilder grammar);

    /// <summary>A rule for any object.</summary>
    public abstract string AnyObject(GbnfGrammarBuilder grammar);

    /// <summary>A rule for a string of <paramref name="minLength"/> to <paramref name="maxLength"/> (null: any) characters.</summary>
    public abstract string String(GbnfGrammarBuilder grammar, int minLength, int? maxLength);

    /// <summary>A rule for a string whose characters match the unquoted rule <paramref name="bodyRule"/>.</summary>
    public abstract string Quoted(GbnfGrammarBuilder grammar, string bodyRule);

    /// <summary>An expression matching exactly this value (for <c>const</c> and <c>enum</c>).</summary>
    /// <exception cref="NotSupportedException">The value cannot be written in this syntax.</exception>
    public abstract string Literal(JsonElement value, string pointer);

    /// <summary>An expression for an object member's key and the separator before its value.</summary>
    /// <exception cref="NotSupportedException">The key cannot be written in this syntax.</exception>
    public abstract string Key(string name, string pointer);

    /// <summary>An expression for any key and the separator before its value (extra members).</summary>
    public abstract string AnyKey(GbnfGrammarBuilder grammar);

    /// <summary>The order in which declared properties are written.</summary>
    public abstract IEnumerable<KeyValuePair<string, JsonElement>> Order(IEnumerable<KeyValuePair<string, JsonElement>> properties);

    /// <summary>Opening, closing and separating punctuation; <see cref="Empty"/> is an empty container.</summary>
    internal sealed record Punctuation(string Open, string Close, string Empty, string Separator);
}
