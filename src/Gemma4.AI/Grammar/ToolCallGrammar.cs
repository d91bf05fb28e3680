using Gemma4.AI.Engine;
using Gemma4.AI.Formatting;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Grammar;

/// <summary>Grammars that make Gemma 4's tool calls valid: <c>&lt;|tool_call&gt;call:NAME{key:value,…}&lt;tool_call|&gt;</c>.</summary>
/// <remarks>
/// <para>Each declared function gets its name and an arguments object typed by its parameter schema, in Gemma 4's value
/// syntax (<see cref="GemmaSyntax"/>). Rules are shared between functions with equal parameter types.</para>
/// <para>How generation ends: the grammar ends right after the last <c>&lt;tool_call|&gt;</c>. llama.cpp then allows only
/// end-of-generation tokens (it never lets a grammar name one: they are allowed exactly when the grammar is complete),
/// so the model writes <c>&lt;|tool_response&gt;</c> (or <c>&lt;turn|&gt;</c>/<c>&lt;eos&gt;</c>) and the engine stops.</para>
/// <para>Tool modes: RequireAny and RequireSpecific constrain the whole output to calls (one, or one or more); Auto gives
/// a lazy grammar that lets the model write freely until it emits <c>&lt;|tool_call&gt;</c>, from which point the calls are
/// constrained (llama.cpp feeds the trigger token itself to the grammar, so the grammar starts with it); None gives none.</para>
/// </remarks>
internal static class ToolCallGrammar
{
    /// <summary>The trigger pattern used without the token id: the output so far ends with the call marker.</summary>
    /// <remarks>Anchored at the end so the text replayed into the grammar is exactly the marker (the marker spelled with
    /// ordinary tokens and followed by more text in the same token never triggers, instead of failing the grammar).</remarks>
    public const string TriggerPattern = @"<\|tool_call>$";

    /// <summary>Builds the grammar for <paramref name="mode"/>, or returns null when nothing is constrained.</summary>
    /// <param name="tools">The declared functions (other tools are the caller's to filter out).</param>
    /// <param name="mode">The tool mode; null means Auto.</param>
    /// <param name="allowMultipleCalls">Whether several calls may follow each other.</param>
    /// <param name="options">The thought prefix (ignored by Auto, whose free text comes first anyway) and the trigger token.</param>
    /// <exception cref="ArgumentException">RequireSpecific names an undeclared function, a function is declared twice, or a
    /// required mode has no function.</exception>
    /// <exception cref="NotSupportedException">A parameter schema uses a feature that cannot be enforced.</exception>
    public static GrammarConstraint? Build(
        IReadOnlyList<AIFunctionDeclaration> tools, ChatToolMode? mode, bool allowMultipleCalls, GrammarOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tools);
        options ??= GrammarOptions.Default;
        if (mode is NoneChatToolMode || (tools.Count == 0 && mode is not RequiredChatToolMode))
        {
            return null;
        }

        var selected = Select(tools, mode);
        var grammar = new GbnfGrammarBuilder();
        if (mode is RequiredChatToolMode)
        {
            var calls = AddCalls(grammar, selected, allowMultipleCalls, spelledStart: false, options.MaxStringLength);
            return new GrammarConstraint(grammar.Build(ThoughtRules.Prefix(grammar, options.Thought) + calls));
        }

        var lazyCalls = AddCalls(grammar, selected, allowMultipleCalls, spelledStart: options.ToolCallTokenId is null, options.MaxStringLength);
        var gbnf = grammar.Build(lazyCalls);
        return options.ToolCallTokenId is { } id
            ? new GrammarConstraint(gbnf, TriggerTokens: [id])
            : new GrammarConstraint(gbnf, TriggerPatterns: [TriggerPattern]);
    }

    /// <summary>Adds the call rules and returns the expression for the calls (one, or one or more).</summary>
    /// <param name="grammar">Where the rules go.</param>
    /// <param name="functions">The functions that may be called.</param>
    /// <param name="allowMultipleCalls">Whether several calls may follow each other.</param>
    /// <param name="spelledStart">Whether the opening marker may also be spelled with ordinary tokens (a lazy grammar
    /// triggered by a text pattern replays whatever tokens spelled the marker).</param>
    /// <param name="maxStringLength">A length limit for strings whose schema sets none.</param>
    public static string AddCalls(GbnfGrammarBuilder grammar, IEnumerable<AIFunctionDeclaration> functions, bool allowMultipleCalls, bool spelledStart, int? maxStringLength = null)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        var syntax = GemmaSyntax.WithStringLimit(maxStringLength);
        var alternatives = functions.Select(f =>
        {
            var arguments = new SchemaConverter(grammar, syntax, f.JsonSchema, "call-" + f.Name + "-args", IntegerRange.OfParameters(f)).ConvertObject();
            return grammar.Add("call-" + f.Name, Gbnf.Literal(f.Name) + " " + arguments);
        }).ToList();

        var start = Gbnf.Token(Gemma4Tokens.ToolCallStart);
        if (spelledStart)
        {
            start = "(" + start + " | " + Gbnf.Literal(Gemma4Tokens.ToolCallStart) + ")";
        }

        var call = grammar.Add(
            "tool-call",
            start + " \"call:\" " + (alternatives.Count == 1 ? alternatives[0] : "(" + string.Join(" | ", alternatives) + ")")
            + " " + Gbnf.Token(Gemma4Tokens.ToolCallEnd));
        return allowMultipleCalls ? call + "+" : call;
    }

    /// <summary>The functions <paramref name="mode"/> lets the model call (also checked by the remote client).</summary>
    /// <exception cref="ArgumentException">RequireSpecific names an undeclared function, a function is declared twice, or a
    /// required mode has no function.</exception>
    internal static List<AIFunctionDeclaration> Select(IReadOnlyList<AIFunctionDeclaration> tools, ChatToolMode? mode)
    {
        var duplicate = tools.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two tools are named '{duplicate.Key}'; tool names must be unique.", nameof(tools));
        }

        if (mode is RequiredChatToolMode { RequiredFunctionName: { } name })
        {
            return [tools.FirstOrDefault(t => t.Name == name)
                ?? throw new ArgumentException(
                    $"ToolMode requires the function '{name}', but it is not among the declared functions ("
                    + (tools.Count == 0 ? "none" : string.Join(", ", tools.Select(t => "'" + t.Name + "'"))) + ").",
                    nameof(mode))];
        }

        return tools.Count > 0
            ? [.. tools]
            : throw new ArgumentException("ToolMode RequireAny needs at least one declared function (AIFunctionDeclaration).", nameof(tools));
    }
}
