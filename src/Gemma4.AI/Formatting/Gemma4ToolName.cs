using Microsoft.Extensions.AI;

namespace Gemma4.AI.Formatting;

/// <summary>
/// Which function names survive the trip through Gemma 4's call syntax: the model writes <c>call:NAME{…}</c>, and the
/// parser reads the name back up to the first character that cannot be part of one.
/// </summary>
/// <remarks>
/// A name is 1 to <see cref="MaxLength"/> letters, digits, <c>_ - . : / @ $</c>: OpenAI's rule (ASCII letters, digits,
/// <c>_</c>, <c>-</c>, at most 64) widened to what Gemma's syntax also reads back, so Semantic Kernel's
/// <c>plugin_function</c> and <c>plugin-function</c>, dotted or namespaced names (<c>calculator.add</c>,
/// <c>server:tool</c>) and non-ASCII letters work. A space, quote, brace or control-token text would be read back
/// truncated (<c>get weather</c> as <c>get</c>), and an empty name not at all.
/// </remarks>
internal static class Gemma4ToolName
{
    /// <summary>The longest name accepted, as OpenAI's API.</summary>
    public const int MaxLength = 64;

    /// <summary>Whether <paramref name="c"/> can be part of a function name that the parser reads back.</summary>
    public static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or ':' or '/' or '@' or '$';

    /// <summary>Whether <paramref name="name"/> round-trips.</summary>
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && AllNameChars(name);

    /// <summary>
    /// Throws when a declared function's name cannot round-trip, its schema holds a lone surrogate, or two functions
    /// share a name.
    /// </summary>
    /// <exception cref="ArgumentException">The message names the tool and its position in <see cref="ChatOptions.Tools"/>.</exception>
    public static void Validate(IList<AITool> tools)
    {
        HashSet<string>? seen = null;
        for (var i = 0; i < tools.Count; i++)
        {
            if (tools[i] is not AIFunctionDeclaration function)
            {
                continue;
            }

            if (!IsValid(function.Name))
            {
                throw new ArgumentException(
                    $"ChatOptions.Tools[{i}] is named '{function.Name}', which Gemma 4 cannot call: a tool name is 1 to {MaxLength} letters, "
                    + "digits, '_', '-', '.', ':', '/', '@' or '$' (the model writes it in call:NAME{...}, and anything else is read back "
                    + "truncated or not at all).",
                    nameof(tools));
            }

            if (Utf16.FindLoneSurrogate(function.JsonSchema) is { } pointer)
            {
                throw new ArgumentException(
                    $"ChatOptions.Tools[{i}] ('{function.Name}') has a lone surrogate (half of a UTF-16 character) in its JSON schema at "
                    + $"{Grammar.JsonPointer.Display(pointer)}: keys, enum values and constants must be valid Unicode to be written and matched.",
                    nameof(tools));
            }

            if (!(seen ??= new(StringComparer.Ordinal)).Add(function.Name))
            {
                throw new ArgumentException($"Two tools are named '{function.Name}'; tool names must be unique.", nameof(tools));
            }
        }
    }

    private static bool AllNameChars(string name)
    {
        foreach (var c in name)
        {
            if (!IsNameChar(c))
            {
                return false;
            }
        }

        return true;
    }
}
