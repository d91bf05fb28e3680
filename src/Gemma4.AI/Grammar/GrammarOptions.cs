namespace Gemma4.AI.Grammar;

/// <summary>What the grammar builders need to know about the prompt and the vocabulary.</summary>
/// <param name="Thought">Whether the constrained output may, or must, begin with reasoning in a thought channel.</param>
/// <param name="ToolCallTokenId">The id of the <c>&lt;|tool_call&gt;</c> token. A lazy tool-call grammar is then triggered by
/// that token; without it, by a trigger pattern on the output text (slower: llama.cpp searches the text after every token).</param>
internal sealed record GrammarOptions(ThoughtPrefix Thought = ThoughtPrefix.None, int? ToolCallTokenId = null)
{
    /// <summary>No thought channel, pattern trigger.</summary>
    public static GrammarOptions Default { get; } = new();
}
