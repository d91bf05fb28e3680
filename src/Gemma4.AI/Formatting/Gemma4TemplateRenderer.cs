namespace Gemma4.AI.Formatting;

/// <summary>Renders template messages exactly as the official Gemma 4 chat template (revision 68abe48) does, in one pass.</summary>
/// <remarks>
/// The structure follows the template's own blocks (system block, message loop, generation prompt) so the two
/// can be compared side by side; the template's variable names appear in comments.
/// </remarks>
internal static class Gemma4TemplateRenderer
{
    private const string ToolCallType = "tool_call";
    private const string ToolResponseType = "tool_response";

    /// <summary>Renders a prompt.</summary>
    public static Gemma4Prompt Render(
        IReadOnlyList<TemplateMessage> messages,
        IReadOnlyList<TemplateTool> tools,
        Gemma4TemplateVariant variant,
        bool enableThinking,
        bool preserveThinking,
        bool addGenerationPrompt)
    {
        var b = new PromptBuilder();
        string? prevMessageType = null; // ns.prev_message_type
        string? prevNonToolRole = null; // ns.prev_non_tool_role
        b.AppendTemplate(Gemma4Tokens.Bos);

        // The system block: thinking flag, the first message if it is system/developer, tool declarations.
        var first = 0;
        var firstIsSystem = messages.Count > 0 && messages[0].Role is "system" or "developer";
        if (enableThinking || tools.Count > 0 || firstIsSystem)
        {
            b.AppendTemplate(Gemma4Tokens.TurnStart + "system\n");
            if (enableThinking)
            {
                b.AppendTemplate(Gemma4Tokens.Think + "\n");
                prevMessageType = "think";
            }

            if (firstIsSystem)
            {
                WriteSystemContent(b, messages[0]);
                first = 1;
            }

            foreach (var tool in tools)
            {
                b.AppendTemplate(Gemma4Tokens.ToolStart);
                Gemma4DeclarationWriter.Write(b, tool);
                b.AppendTemplate(Gemma4Tokens.ToolEnd);
                prevMessageType = "tool";
            }

            b.AppendTemplate(Gemma4Tokens.TurnEnd + "\n");
        }

        // loop_messages = messages[first:]; indices below are loop indices, as in the template.
        var loop = messages.Skip(first).ToList();
        var lastUserIndex = loop.FindLastIndex(m => m.Role == "user");

        for (var i = 0; i < loop.Count; i++)
        {
            var message = loop[i];
            if (message.Role == "tool")
            {
                continue;
            }

            prevMessageType = null;
            b.MarkMessageStart(message.Source);
            var role = message.Role == "assistant" ? "model" : message.Role;
            if (!(role == "model" && prevNonToolRole == "assistant"))
            {
                // The role is caller data (ChatRole accepts any string): content, so it can never spell a control token.
                b.AppendTemplate(Gemma4Tokens.TurnStart).AppendContent(role).AppendTemplate("\n");
            }

            // Replayed reasoning: only after the last user message, or for tool-calling messages with preserve_thinking.
            var hasToolCalls = message.ToolCalls is { Count: > 0 };
            if (!string.IsNullOrEmpty(message.Reasoning) && (i > lastUserIndex || (preserveThinking && hasToolCalls)))
            {
                b.AppendTemplate(Gemma4Tokens.ThoughtChannelStart).AppendContent(message.Reasoning).AppendTemplate("\n" + Gemma4Tokens.ChannelEnd);
            }

            if (hasToolCalls)
            {
                foreach (var call in message.ToolCalls!)
                {
                    WriteToolCall(b, call);
                }

                prevMessageType = ToolCallType;
            }

            // Responses: the consecutive role:tool messages that follow a message with tool calls.
            var respondedTo = false; // ns_tr_out.flag
            if (hasToolCalls)
            {
                for (var k = i + 1; k < loop.Count && loop[k].Role == "tool"; k++)
                {
                    WriteToolResponse(b, ResolveToolName(message.ToolCalls!, loop[k].ToolCallId), loop[k].ToolResult);
                    respondedTo = true;
                    prevMessageType = ToolResponseType;
                }
            }

            var hasContent = WriteContent(b, message, stripThinking: role == "model");

            var next = loop.FindIndex(i + 1, m => m.Role != "tool");
            var continuesIntoNext = role == "model" && next >= 0 && loop[next].Role == "assistant" && (!hasToolCalls || respondedTo);
            if (prevMessageType == ToolCallType && !respondedTo)
            {
                // A call still waiting for its response: the model's next token is the response itself.
                b.AppendTemplate(Gemma4Tokens.ToolResponseStart);
            }
            else if (continuesIntoNext)
            {
                // The next assistant message continues this model turn.
            }
            else if (!(respondedTo && !hasContent && next < 0))
            {
                b.AppendTemplate(Gemma4Tokens.TurnEnd + "\n");
            }

            prevNonToolRole = message.Role;
        }

        var endsInsideThought = false;
        if (addGenerationPrompt)
        {
            if (prevMessageType is not ToolResponseType and not ToolCallType)
            {
                b.AppendTemplate(Gemma4Tokens.TurnStart + "model\n");
                if (variant == Gemma4TemplateVariant.Large && !enableThinking)
                {
                    b.AppendTemplate(Gemma4Tokens.ThoughtChannelStart + Gemma4Tokens.ChannelEnd);
                }
            }
            else if (prevMessageType == ToolResponseType && enableThinking)
            {
                b.AppendTemplate(Gemma4Tokens.ThoughtChannelStart);
                endsInsideThought = true;
            }
        }

        return b.Build(endsInsideThought);
    }

    // A string is trimmed; a parts list prints each part's trimmed text followed by a space (media parts: just the space).
    private static void WriteSystemContent(PromptBuilder b, TemplateMessage message)
    {
        if (message.Parts is null)
        {
            b.AppendContent(PythonText.Strip(message.Text.AsSpan()));
            return;
        }

        foreach (var part in message.Parts)
        {
            b.AppendContent(PythonText.Strip((part.Text ?? string.Empty).AsSpan())).AppendTemplate(" ");
        }
    }

    // captured_content; returns whether it is non-blank (has_content).
    private static bool WriteContent(PromptBuilder b, TemplateMessage message, bool stripThinking)
    {
        if (message.Parts is null)
        {
            return WriteText(b, message.Text, stripThinking);
        }

        var hasContent = false;
        foreach (var part in message.Parts)
        {
            var placeholder = part.Type switch
            {
                "image" => Gemma4Tokens.Image,
                "audio" => Gemma4Tokens.Audio,
                "video" => Gemma4Tokens.Video,
                _ => null,
            };
            if (placeholder is not null)
            {
                b.AppendMedia(placeholder, part.Content);
                hasContent = true;
            }
            else if (part.Type == "text")
            {
                hasContent |= WriteText(b, part.Text ?? string.Empty, stripThinking);
            }
        }

        return hasContent;
    }

    private static bool WriteText(PromptBuilder b, string text, bool stripThinking)
    {
        var written = stripThinking ? StripThinking(text) : PythonText.Strip(text);
        b.AppendContent(written);
        return written.Length > 0;
    }

    // strip_thinking: drop every "<|channel>…<channel|>" (and any text after a stray "<|channel>"), then trim.
    private static string StripThinking(string text)
    {
        var parts = text.Split(Gemma4Tokens.ChannelEnd);
        for (var i = 0; i < parts.Length; i++)
        {
            var open = parts[i].IndexOf(Gemma4Tokens.ChannelStart, StringComparison.Ordinal);
            if (open >= 0)
            {
                parts[i] = parts[i][..open];
            }
        }

        return PythonText.Strip(string.Concat(parts));
    }

    private static void WriteToolCall(PromptBuilder b, TemplateToolCall call)
    {
        b.AppendTemplate(Gemma4Tokens.ToolCallStart + "call:").AppendContent(call.Name).AppendTemplate("{");
        if (call.Arguments is not null)
        {
            WriteFields(b, call.Arguments);
        }

        b.AppendTemplate("}" + Gemma4Tokens.ToolCallEnd);
    }

    // format_tool_response_block: a mapping lists its fields, anything else becomes {value:…}.
    private static void WriteToolResponse(PromptBuilder b, string name, object? response)
    {
        b.AppendTemplate(Gemma4Tokens.ToolResponseStart + "response:").AppendContent(name).AppendTemplate("{");
        if (response is PyDict fields)
        {
            WriteFields(b, fields);
        }
        else
        {
            b.AppendTemplate("value:");
            Gemma4ValueWriter.Write(b, response, escapeKeys: false);
        }

        b.AppendTemplate("}" + Gemma4Tokens.ToolResponseEnd);
    }

    // key:value pairs, sorted by dictsort, keys unquoted.
    private static void WriteFields(PromptBuilder b, PyDict fields)
    {
        var firstField = true;
        foreach (var (key, value) in PythonValues.DictSort(fields, "a mapping"))
        {
            if (!firstField)
            {
                b.AppendTemplate(",");
            }

            firstField = false;
            b.AppendContent(key).AppendTemplate(":");
            Gemma4ValueWriter.Write(b, value, escapeKeys: false);
        }
    }

    // The name of the (last) call whose id matches; "unknown" when none does.
    private static string ResolveToolName(IReadOnlyList<TemplateToolCall> calls, string? callId)
    {
        var name = "unknown";
        foreach (var call in calls)
        {
            if (call.Id == callId)
            {
                name = call.Name;
            }
        }

        return name;
    }
}
