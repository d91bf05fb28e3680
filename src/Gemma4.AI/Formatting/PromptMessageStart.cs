namespace Gemma4.AI.Formatting;

/// <summary>Where a caller's message starts in a rendered prompt.</summary>
/// <param name="Message">The index of the message in the list the caller passed.</param>
/// <param name="Offset">The index of its first character in <see cref="Gemma4Prompt.Text"/>.</param>
internal readonly record struct PromptMessageStart(int Message, int Offset);
