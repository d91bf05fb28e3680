namespace Gemma4.AI.Formatting;

/// <summary>A run of a rendered prompt: template text (control tokens are parsed) or content (never parsed as control tokens).</summary>
/// <param name="Start">Index of the first character in <see cref="Gemma4Prompt.Text"/>.</param>
/// <param name="Length">Number of characters.</param>
/// <param name="IsContent">True for text that came from messages, tool schemas or tool results.</param>
internal readonly record struct PromptSegment(int Start, int Length, bool IsContent);
