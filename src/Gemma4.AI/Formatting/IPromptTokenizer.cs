namespace Gemma4.AI.Formatting;

/// <summary>Tokenizes rendered prompts (the model's tokenizer; tests count its calls).</summary>
internal interface IPromptTokenizer
{
    /// <summary>
    /// Tokenizes a rendered prompt and writes, for each of the first <c>messageTokenStarts.Length</c> entries of
    /// <see cref="Gemma4Prompt.MessageStarts"/>, how many tokens precede that message.
    /// </summary>
    int[] Tokenize(Gemma4Prompt prompt, Span<int> messageTokenStarts);
}
