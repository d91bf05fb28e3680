using System.Security.Cryptography;

namespace Gemma4.AI.Parsing;

/// <summary>Creates the call ids that pair a <c>FunctionCallContent</c> with its <c>FunctionResultContent</c>.</summary>
internal static class ToolCallIds
{
    /// <summary>The prefix of every id, as in OpenAI's ids (<c>call_…</c>).</summary>
    public const string Prefix = "call_";

    /// <summary>Returns <c>call_</c> followed by 24 random lowercase hex digits (96 bits: unique across a conversation).</summary>
    /// <remarks>Gemma's format carries no call id, so the id is ours; the formatter maps it back to the call's name.</remarks>
    public static string NewId() => Prefix + RandomNumberGenerator.GetHexString(24, lowercase: true);
}
