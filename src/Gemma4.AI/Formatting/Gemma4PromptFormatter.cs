using Microsoft.Extensions.AI;

namespace Gemma4.AI.Formatting;

/// <summary>
/// Renders a Microsoft.Extensions.AI conversation exactly as the official Gemma 4 chat template
/// ("Gemma 4 Canonical Chat Template", published 2026-07-09, Hugging Face revision 68abe48) does.
/// </summary>
/// <remarks>
/// <para>
/// The output is character-for-character what Jinja renders from the template (checked by golden tests), without
/// running a template engine: tool declarations, tool calls and results are written with the template's own
/// Python/Jinja semantics (case-insensitive <c>dictsort</c>, Python <c>str()</c> of numbers, Python <c>strip()</c>).
/// </para>
/// <para>The conversation is mapped onto the template's message dictionaries as follows:</para>
/// <list type="bullet">
/// <item><see cref="ChatOptions.Instructions"/>, when not null or empty, is an extra <c>system</c> message inserted first.</item>
/// <item>Roles: <see cref="ChatRole.System"/> → <c>system</c>, <see cref="ChatRole.User"/> → <c>user</c>,
/// <see cref="ChatRole.Assistant"/> → <c>assistant</c> (rendered as <c>model</c>), <see cref="ChatRole.Tool"/> →
/// <c>tool</c>; any other role (such as <c>developer</c>) passes its <see cref="ChatRole.Value"/> through.
/// The template folds only the first message into the system turn, and only if it is <c>system</c> or <c>developer</c>.</item>
/// <item>Content: the concatenated <see cref="TextContent"/> texts, as a string. If the message holds a
/// <see cref="DataContent"/> or <see cref="UriContent"/> whose media type is <c>image/*</c>, <c>audio/*</c> or
/// <c>video/*</c>, the content is instead a parts list in order (<c>{type: text, text}</c> per TextContent, and
/// <c>{type: image|audio|video}</c>), rendered as placeholders. Other contents are not rendered as content.</item>
/// <item>Assistant messages: <see cref="TextReasoningContent"/> texts, concatenated, are the <c>reasoning</c>;
/// each <see cref="FunctionCallContent"/> is a <c>tool_calls</c> entry
/// <c>{id: CallId, type: function, function: {name: Name, arguments}}</c>, where <c>arguments</c> is the mapping of
/// <see cref="FunctionCallContent.Arguments"/> (None when null, which renders <c>{}</c>).</item>
/// <item>Tool messages: each <see cref="FunctionResultContent"/> is one <c>{role: tool, tool_call_id: CallId, content: result}</c>
/// message (a null result with an <see cref="FunctionResultContent.Exception"/> becomes the string "Error: message");
/// a tool message without results is one tool message whose content is its text. A result that is an object
/// renders as a mapping (<c>response:NAME{k:v}</c>), anything else as <c>response:NAME{value:…}</c>; the name is that of
/// the call with the same id in the assistant message the results follow, or <c>unknown</c>. Tool messages that do not
/// directly follow an assistant message with calls are not rendered (as in the template).</item>
/// <item>Values (arguments, results, schemas): <see cref="System.Text.Json.JsonElement"/>, strings, booleans and null are
/// taken as they are; any other CLR value is serialized with System.Text.Json and
/// <see cref="AIJsonUtilities.DefaultOptions"/>, and its JSON is used. JSON numbers without fraction or exponent are
/// integers, the others floats printed like Python (<c>3.0</c>, <c>1e-05</c>).</item>
/// <item>Tools: every <see cref="AIFunctionDeclaration"/> in <see cref="ChatOptions.Tools"/> is declared as
/// <c>{name: Name, description: Description, parameters: JsonSchema}</c>, unless <see cref="ChatOptions.ToolMode"/> is
/// <see cref="ChatToolMode.None"/> (then no tool is declared);
/// other tools and <see cref="AIFunctionDeclaration.ReturnJsonSchema"/> are not rendered.</item>
/// <item>Thinking (<c>enable_thinking</c>) is on when <see cref="ReasoningOptions.Effort"/> is set to anything but
/// <see cref="ReasoningEffort.None"/>.</item>
/// </list>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
internal sealed class Gemma4PromptFormatter
{
    /// <summary>Initializes a formatter for one variant of the template.</summary>
    /// <param name="variant">The template variant of the model (E2B/E4B: <see cref="Gemma4TemplateVariant.Small"/>).</param>
    public Gemma4PromptFormatter(Gemma4TemplateVariant variant = Gemma4TemplateVariant.Small)
    {
        Variant = variant;
    }

    /// <summary>Gets the template variant this formatter renders.</summary>
    public Gemma4TemplateVariant Variant { get; }

    /// <summary>
    /// Gets a value indicating whether reasoning of assistant messages with tool calls is replayed even before the last
    /// user message (the template's <c>preserve_thinking</c>). Other reasoning is replayed only after the last user message.
    /// </summary>
    public bool PreserveThinking { get; init; }

    /// <summary>Renders a conversation as the chat template does.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">Options: instructions, tools and reasoning effort are rendered; the rest is ignored.</param>
    /// <param name="addGenerationPrompt">Whether to append the prompt that opens (or continues) the model's turn.</param>
    /// <returns>
    /// The prompt text. It starts with <c>&lt;bos&gt;</c>, exactly like the template's output, so whoever tokenizes it
    /// must not add another BOS token.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="messages"/> contains a null message.</exception>
    /// <exception cref="NotSupportedException">
    /// Function call arguments or results cannot be serialized to JSON, or a tool schema has a shape the template cannot
    /// render (for example <c>properties</c> that is not an object); the message names the call or tool.
    /// </exception>
    public string Format(IEnumerable<ChatMessage> messages, ChatOptions? options = null, bool addGenerationPrompt = true) =>
        FormatPrompt(messages, options, addGenerationPrompt).Text;

    /// <summary>Renders a conversation, keeping apart the template's text (control tokens) from content (plain text).</summary>
    internal Gemma4Prompt FormatPrompt(IEnumerable<ChatMessage> messages, ChatOptions? options = null, bool addGenerationPrompt = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return Gemma4TemplateRenderer.Render(
            Gemma4MessageMapper.ToTemplateMessages(messages, options),
            Gemma4MessageMapper.ToTemplateTools(options),
            Variant,
            Gemma4MessageMapper.IsThinkingEnabled(options),
            PreserveThinking,
            addGenerationPrompt);
    }
}
