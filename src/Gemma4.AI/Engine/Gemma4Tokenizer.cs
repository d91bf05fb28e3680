using System.Runtime.InteropServices;
using System.Text;
using Gemma4.AI.Formatting;
using Gemma4.AI.Native;

namespace Gemma4.AI.Engine;

/// <summary>
/// Tokenizes prompts so that only template text can produce control tokens; content is always plain text.
/// </summary>
/// <remarks>
/// llama.cpp matches user-defined tokens such as <c>&lt;|tool_call&gt;</c> even with parse_special=false, so content
/// is cut right after the '&lt;' of any special-token text it contains; each cut piece then tokenizes as plain text.
/// Adjacent plain runs (template and content) are tokenized together, which is exactly what tokenizing the whole
/// rendered string does when the content contains no special-token text.
/// </remarks>
internal sealed unsafe class Gemma4Tokenizer : IPromptTokenizer
{
    private const int AttrControl = 8;
    private const int AttrUserDefined = 16;
    private const int AttrByte = 32;

    private readonly IntPtr _vocab;
    private readonly (string Text, int Id)[] _specials;
    private readonly bool[] _isEog;
    private readonly bool[] _hidden;
    private readonly bool[] _special;

    // Control tokens the output parser understands; any other control token (<mask>, <pad>, media placeholders)
    // carries no text for the caller, so it is rendered as nothing, as llama-server does.
    private static readonly HashSet<string> VisibleSpecials =
    [
        Gemma4Tokens.ToolCallStart, Gemma4Tokens.ToolCallEnd, Gemma4Tokens.ToolResponseStart, Gemma4Tokens.ToolResponseEnd,
        Gemma4Tokens.Quote, Gemma4Tokens.ChannelStart, Gemma4Tokens.ChannelEnd, Gemma4Tokens.TurnStart, Gemma4Tokens.TurnEnd,
        Gemma4Tokens.ToolStart, Gemma4Tokens.ToolEnd, Gemma4Tokens.Think, Gemma4Tokens.Eos,
    ];

    public Gemma4Tokenizer(IntPtr vocab)
    {
        _vocab = vocab;
        VocabularySize = LlamaNative.VocabTokenCount(vocab);
        BosToken = LlamaNative.VocabBos(vocab);
        _isEog = new bool[VocabularySize];
        _hidden = new bool[VocabularySize];
        _special = new bool[VocabularySize];
        ByteTokens = new int[256];
        Array.Fill(ByteTokens, -1);
        var specials = new List<(string, int)>();
        for (var id = 0; id < VocabularySize; id++)
        {
            _isEog[id] = LlamaNative.VocabIsEog(vocab, id);
            var attributes = LlamaNative.VocabGetAttr(vocab, id);
            if ((attributes & AttrByte) != 0
                && Marshal.PtrToStringUTF8((IntPtr)LlamaNative.VocabGetText(vocab, id)) is { Length: 6 } byteText
                && byteText.StartsWith("<0x", StringComparison.Ordinal)
                && byte.TryParse(byteText.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out var value))
            {
                ByteTokens[value] = id;
            }

            if ((attributes & (AttrControl | AttrUserDefined)) != 0
                && Marshal.PtrToStringUTF8((IntPtr)LlamaNative.VocabGetText(vocab, id)) is var text
                && ((attributes & AttrControl) != 0 || IsFormatMarker(text)))
            {
                _special[id] = true;
                if (!string.IsNullOrEmpty(text))
                {
                    specials.Add((text, id));
                }

                _hidden[id] = text is null || !VisibleSpecials.Contains(text);
            }
        }

        // Longest first, so "<|tool_call>" wins over a shorter token that is its prefix.
        _specials = specials.OrderByDescending(s => s.Item1.Length).ThenBy(s => s.Item2).ToArray();
    }

    public IntPtr Vocab => _vocab;

    /// <summary>
    /// Whether a user-defined token is one of Gemma's format markers (<c>&lt;|tool_call&gt;</c>, <c>&lt;|"|&gt;</c>,
    /// <c>&lt;channel|&gt;</c>, ...). Gemma vocabularies also mark ordinary pieces user-defined (HTML tags such as
    /// <c>&lt;code&gt;</c>, whitespace runs): those are text, printed and tokenized as llama.cpp does, never hidden.
    /// </summary>
    private static bool IsFormatMarker(string? text) =>
        text is { Length: > 2 } && (text.StartsWith("<|", StringComparison.Ordinal) || text.EndsWith("|>", StringComparison.Ordinal));

    public int VocabularySize { get; }

    public int BosToken { get; }

    /// <summary>The id of the byte-fallback token for each byte value (<c>&lt;0x41&gt;</c>…), or -1.</summary>
    public int[] ByteTokens { get; }

    public bool IsEndOfGeneration(int token) => (uint)token < (uint)_isEog.Length && _isEog[token];

    /// <summary>Whether a token is a control token or a user-defined format marker (not text).</summary>
    public bool IsSpecial(int token) => (uint)token < (uint)_special.Length && _special[token];

    /// <summary>Every control token and user-defined format marker, with its text.</summary>
    public IEnumerable<(string Text, int Id)> SpecialTokens => _specials;

    /// <summary>The id of a special token by its text, or -1.</summary>
    public int SpecialTokenId(string text)
    {
        foreach (var (t, id) in _specials)
        {
            if (t == text)
            {
                return id;
            }
        }

        return -1;
    }

    /// <summary>Tokenizes a rendered prompt; the BOS token comes from the template's own <c>&lt;bos&gt;</c>.</summary>
    public int[] Tokenize(Gemma4Prompt prompt) => Tokenize(prompt, []);

    /// <inheritdoc />
    public int[] Tokenize(Gemma4Prompt prompt, Span<int> messageTokenStarts)
    {
        var tokens = new List<int>(prompt.Text.Length / 3 + 16);
        var run = new StringBuilder();
        var starts = prompt.MessageStarts;
        var next = 0;
        foreach (var segment in prompt.Segments)
        {
            // A start inside a segment (content continuing content) is counted from the segment's start.
            for (; next < messageTokenStarts.Length && starts[next].Offset < segment.Start + segment.Length; next++)
            {
                messageTokenStarts[next] = tokens.Count;
            }

            var text = prompt.Text.AsSpan(segment.Start, segment.Length);
            if (segment.IsContent)
            {
                AppendContent(text, run, tokens);
            }
            else
            {
                AppendTemplate(text, run, tokens);
            }
        }

        FlushRun(run, tokens);
        for (; next < messageTokenStarts.Length; next++)
        {
            messageTokenStarts[next] = tokens.Count;
        }

        return tokens.ToArray();
    }

    /// <summary>Tokenizes text that never yields special tokens (no BOS).</summary>
    public int[] TokenizeContent(string text)
    {
        var tokens = new List<int>(text.Length / 3 + 4);
        var run = new StringBuilder();
        AppendContent(text, run, tokens);
        FlushRun(run, tokens);
        return tokens.ToArray();
    }

    /// <summary>Tokenizes template text: special-token strings become special tokens (no BOS added).</summary>
    public int[] TokenizeTemplate(string text)
    {
        var tokens = new List<int>(text.Length / 3 + 4);
        var run = new StringBuilder();
        AppendTemplate(text, run, tokens);
        FlushRun(run, tokens);
        return tokens.ToArray();
    }

    /// <summary>Writes a token's bytes (format control tokens as their text, other control tokens as nothing); returns the byte count.</summary>
    public int TokenToPiece(int token, Span<byte> buffer)
    {
        if ((uint)token < (uint)_hidden.Length && _hidden[token])
        {
            return 0;
        }

        fixed (byte* p = buffer)
        {
            var n = LlamaNative.TokenToPiece(_vocab, token, p, buffer.Length, 0, special: true);
            return n >= 0 ? n : throw new ArgumentException($"The piece of token {token} needs {-n} bytes.", nameof(buffer));
        }
    }

    /// <summary>The text of a token sequence (for tests and diagnostics; streaming decodes piece by piece).</summary>
    public string Detokenize(ReadOnlySpan<int> tokens)
    {
        var bytes = new List<byte>(tokens.Length * 4);
        Span<byte> piece = stackalloc byte[256];
        foreach (var t in tokens)
        {
            var n = TokenToPiece(t, piece);
            for (var i = 0; i < n; i++)
            {
                bytes.Add(piece[i]);
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private void AppendTemplate(ReadOnlySpan<char> text, StringBuilder run, List<int> tokens)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '<' && MatchSpecial(text[i..]) is var (length, id) && length > 0)
            {
                FlushRun(run, tokens);
                tokens.Add(id);
                i += length;
            }
            else
            {
                run.Append(text[i]);
                i++;
            }
        }
    }

    private void AppendContent(ReadOnlySpan<char> text, StringBuilder run, List<int> tokens)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '<' && MatchSpecial(text[i..]).Length > 0)
            {
                // Cut after '<' so the special-token text can no longer be matched as one token.
                run.Append(text[start..(i + 1)]);
                FlushRun(run, tokens);
                start = i + 1;
            }
        }

        run.Append(text[start..]);
    }

    private (int Length, int Id) MatchSpecial(ReadOnlySpan<char> text)
    {
        foreach (var (t, id) in _specials)
        {
            if (text.StartsWith(t, StringComparison.Ordinal))
            {
                return (t.Length, id);
            }
        }

        return (0, -1);
    }

    private void FlushRun(StringBuilder run, List<int> tokens)
    {
        if (run.Length == 0)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(run.ToString());
        run.Clear();
        var capacity = bytes.Length + 8;
        var buffer = new int[capacity];
        int n;
        fixed (byte* b = bytes)
        fixed (int* t = buffer)
        {
            n = LlamaNative.Tokenize(_vocab, b, bytes.Length, t, capacity, addSpecial: false, parseSpecial: false);
        }

        if (n < 0)
        {
            throw new InvalidOperationException($"llama_tokenize needed {-n} tokens for {bytes.Length} bytes.");
        }

        for (var i = 0; i < n; i++)
        {
            tokens.Add(buffer[i]);
        }
    }
}
