using System.Text.Json;
using Gemma4.AI.Formatting;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Parsing;

/// <summary>Turns the text of one complete tool call, <c>&lt;|tool_call&gt;call:NAME{…}&lt;tool_call|&gt;</c>, into a
/// <see cref="FunctionCallContent"/>.</summary>
internal static class Gemma4ToolCallReader
{
    /// <summary>Reads a tool call.</summary>
    /// <param name="raw">The call from its opening to its closing marker.</param>
    /// <returns>The call, with <see cref="FunctionCallContent.Exception"/> set and the arguments read so far when they
    /// are malformed; <see langword="null"/> when no function name can be read (the caller keeps the text).</returns>
    public static FunctionCallContent? Read(string raw)
    {
        var body = raw.AsSpan(Gemma4Tokens.ToolCallStart.Length, raw.Length - Gemma4Tokens.ToolCallStart.Length - Gemma4Tokens.ToolCallEnd.Length);
        var reader = new Gemma4ValueReader(body);
        reader.SkipWhitespace();
        _ = reader.TryConsumeLabel("call"); // the template always writes it; without it the name is still unambiguous
        reader.SkipWhitespace();
        var name = reader.ReadName();
        if (name.Length == 0)
        {
            return null;
        }

        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        Exception? error = null;
        try
        {
            reader.SkipWhitespace();
            if (reader.TryConsume('{'))
            {
                reader.ReadArguments(arguments);
            }
            else if (reader.TryConsume('('))
            {
                // Larger models under long, tool-heavy prompts drift to call:NAME(key=value, …) with the same value
                // syntax inside (seen with 26B-A4B; omlx #1846); reading it beats failing a call whose intent is clear.
                reader.ReadArguments(arguments, keywordArguments: true);
            }
            else
            {
                throw new FormatException("Expected '{' after the function name.");
            }

            reader.SkipWhitespace();
            if (!reader.AtEnd)
            {
                throw new FormatException("Unexpected text after the arguments.");
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException or InvalidOperationException)
        {
            // The same shape as FunctionCallContent.CreateFromParsedArguments, so a tool loop reports it to the model.
            error = new InvalidOperationException("Error parsing function call arguments.", ex);
        }

        return new FunctionCallContent(ToolCallIds.NewId(), name, arguments)
        {
            RawRepresentation = raw,
            Exception = error,
        };
    }
}
