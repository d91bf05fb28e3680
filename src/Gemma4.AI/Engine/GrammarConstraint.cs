namespace Gemma4.AI.Engine;

/// <summary>A GBNF grammar for the sampler; lazy grammars stay inactive until a trigger pattern or token appears.</summary>
/// <param name="Gbnf">The grammar text.</param>
/// <param name="Root">The start rule.</param>
/// <param name="TriggerPatterns">For a lazy grammar, regular expressions that activate it (llama.cpp matches them on the output so far).</param>
/// <param name="TriggerTokens">For a lazy grammar, token ids that activate it.</param>
internal sealed record GrammarConstraint(
    string Gbnf,
    string Root = "root",
    IReadOnlyList<string>? TriggerPatterns = null,
    IReadOnlyList<int>? TriggerTokens = null)
{
    public bool IsLazy => TriggerPatterns is { Count: > 0 } || TriggerTokens is { Count: > 0 };

    /// <summary>
    /// When true, special tokens the grammar does not name are never sampled. llama.cpp matches a control token's text
    /// against character rules, so a JSON string could otherwise swallow <c>&lt;|turn&gt;</c>; our own grammars set this,
    /// raw user grammars do not.
    /// </summary>
    public bool RestrictSpecialTokens { get; init; }
}
