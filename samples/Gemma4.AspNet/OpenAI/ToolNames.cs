using System.Text.RegularExpressions;

namespace Gemma4.AspNet.OpenAI;

/// <summary>
/// OpenAI's rule for function names, which is also what survives Gemma's <c>call:NAME{…}</c> syntax: a name with a
/// space, quote or control-token text would be written by the grammar and read back truncated.
/// </summary>
/// <remarks>Gemma4.AI is getting the same check (issue 18, item 12); once it refuses such names itself, this can go.</remarks>
internal static partial class ToolNames
{
    public const string Rule = "use 1 to 64 letters, digits, '_' or '-'";

    public static bool IsValid(string name) => Pattern().IsMatch(name);

    [GeneratedRegex(@"\A[a-zA-Z0-9_-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
