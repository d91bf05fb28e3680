using Gemma4.AI.Formatting;

namespace Gemma4.AI.Grammar;

/// <summary>Writes the reasoning prefix of a grammar.</summary>
internal static class ThoughtRules
{
    /// <summary>The expression to put before the constrained part, or an empty string.</summary>
    /// <remarks>The reasoning text can hold neither the channel's closing token nor its spelling, so the grammar and the
    /// output parser agree where reasoning ends.</remarks>
    public static string Prefix(GbnfGrammarBuilder grammar, ThoughtPrefix thought)
    {
        if (thought == ThoughtPrefix.None)
        {
            return string.Empty;
        }

        var text = grammar.Contains("thought-text") ? "thought-text" : ExcludingText.Add(grammar, "thought-text", Gemma4Tokens.ChannelEnd);
        var close = text + " " + Gbnf.Token(Gemma4Tokens.ChannelEnd);
        return thought == ThoughtPrefix.Open
            ? close + " "
            : grammar.Add("thought", Gbnf.Token(Gemma4Tokens.ChannelStart) + " " + Gbnf.Literal("thought\n") + " " + close) + "? ";
    }
}
