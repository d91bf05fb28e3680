using Gemma4.AI.Engine;
using Gemma4.AI.Native;

namespace Gemma4.AI.Embeddings;

/// <summary>
/// Turns an input into the tokens the model embeds: BOS and EOS where the vocabulary asks for them (EmbeddingGemma
/// adds both), then the task prompt and the text tokenized together as plain text (control-token text in user input
/// never becomes a control token).
/// </summary>
internal sealed class EmbeddingInputTokenizer
{
    private readonly Gemma4Tokenizer _tokenizer;
    private readonly int _bos;
    private readonly int _eos;

    public EmbeddingInputTokenizer(Gemma4Tokenizer tokenizer, int maxTokens)
    {
        _tokenizer = tokenizer;
        MaxTokens = maxTokens;
        _bos = LlamaNative.VocabGetAddBos(tokenizer.Vocab) ? LlamaNative.VocabBos(tokenizer.Vocab) : -1;
        _eos = LlamaNative.VocabGetAddEos(tokenizer.Vocab) ? LlamaNative.VocabEos(tokenizer.Vocab) : -1;
    }

    /// <summary>Most tokens of one input.</summary>
    public int MaxTokens { get; }

    /// <summary>Tokens of one input before truncation.</summary>
    public int Count(string text, string prefix) =>
        _tokenizer.TokenizeContent(prefix.Length == 0 ? text : prefix + text).Length + (_bos >= 0 ? 1 : 0) + (_eos >= 0 ? 1 : 0);

    /// <summary>Tokens of one input.</summary>
    /// <param name="text">The text.</param>
    /// <param name="prefix">The task prompt (possibly empty).</param>
    /// <param name="truncation">What to do when the input is too long.</param>
    /// <param name="index">The input's position, for the exception.</param>
    /// <exception cref="Gemma4EmbeddingInputTooLongException">Too long and truncation is off.</exception>
    public int[] Tokenize(string text, string prefix, Gemma4EmbeddingTruncation truncation, int index)
    {
        var content = _tokenizer.TokenizeContent(prefix.Length == 0 ? text : prefix + text);
        var specials = (_bos >= 0 ? 1 : 0) + (_eos >= 0 ? 1 : 0);
        var total = content.Length + specials;
        if (total > MaxTokens)
        {
            if (truncation == Gemma4EmbeddingTruncation.Throw)
            {
                throw new Gemma4EmbeddingInputTooLongException(index, total, MaxTokens);
            }

            total = MaxTokens;
        }

        var tokens = new int[total];
        var at = 0;
        if (_bos >= 0)
        {
            tokens[at++] = _bos;
        }

        var kept = total - specials;
        content.AsSpan(0, kept).CopyTo(tokens.AsSpan(at));
        at += kept;
        if (_eos >= 0)
        {
            tokens[at] = _eos;
        }

        return tokens;
    }
}
