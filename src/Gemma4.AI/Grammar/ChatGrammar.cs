using Gemma4.AI.Engine;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Grammar;

/// <summary>Chooses the grammar for a chat request from its tools, tool mode and response format.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>request</term><description>grammar</description></listheader>
/// <item><term>RequireAny/RequireSpecific (with or without a JSON format)</term><description>tool calls only: tools win,
/// since a required call cannot also be a JSON answer.</description></item>
/// <item><term>Auto + JSON format</term><description>either tool calls or the JSON answer, decided by the first token.</description></item>
/// <item><term>Auto</term><description>a lazy tool-call grammar (free text until <c>&lt;|tool_call&gt;</c>).</description></item>
/// <item><term>None or no functions, JSON format</term><description>the JSON answer.</description></item>
/// <item><term>otherwise</term><description>no grammar.</description></item>
/// </list>
/// <para>Only <see cref="AIFunctionDeclaration"/> tools count; hosted tools cannot be called by a local model.</para>
/// </remarks>
internal static class ChatGrammar
{
    /// <summary>Whether a request lets the model call a tool: functions are declared and ToolMode is not None.</summary>
    public static bool AllowsToolCalls(ChatOptions? chatOptions) =>
        chatOptions?.ToolMode is not NoneChatToolMode && chatOptions?.Tools?.OfType<AIFunctionDeclaration>().Any() == true;

    /// <summary>The grammar for <paramref name="chatOptions"/>, or null.</summary>
    /// <exception cref="ArgumentException">The tool mode cannot be satisfied by the declared functions.</exception>
    /// <exception cref="NotSupportedException">A schema uses a feature that cannot be enforced.</exception>
    public static GrammarConstraint? Build(ChatOptions? chatOptions, GrammarOptions? options = null)
    {
        options ??= GrammarOptions.Default;
        var functions = chatOptions?.Tools?.OfType<AIFunctionDeclaration>().ToList() ?? [];
        var mode = chatOptions?.ToolMode;
        var allowMultiple = chatOptions?.AllowMultipleToolCalls ?? true;
        var json = chatOptions?.ResponseFormat as ChatResponseFormatJson;

        if (mode is RequiredChatToolMode)
        {
            return ToolCallGrammar.Build(functions, mode, allowMultiple, options);
        }

        if (!AllowsToolCalls(chatOptions))
        {
            return ResponseFormatGrammar.Build(json, options);
        }

        if (json is null)
        {
            return ToolCallGrammar.Build(functions, mode, allowMultiple, options);
        }

        // Auto with a JSON answer: the first token decides between calls and the answer.
        var grammar = new GbnfGrammarBuilder();
        var calls = ToolCallGrammar.AddCalls(grammar, functions, allowMultiple, spelledStart: false, options.MaxStringLength);
        var answer = ResponseFormatGrammar.AddValue(grammar, json.Schema, options.MaxStringLength);
        return new GrammarConstraint(grammar.Build(ThoughtRules.Prefix(grammar, options.Thought) + "(" + calls + " | " + answer + ")"));
    }
}
