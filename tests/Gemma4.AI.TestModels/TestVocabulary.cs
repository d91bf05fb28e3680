using System.Globalization;

namespace Gemma4.AI.TestModels;

/// <summary>
/// The tokenizer of the generated models, laid out as a real Gemma 4 vocabulary: pad 0, eos 1, bos 2, unk 3, the
/// control tokens, the user-defined tokens, the 256 byte tokens <c>&lt;0x00&gt;</c>..<c>&lt;0xFF&gt;</c>, then
/// normal pieces from a small BPE trained deterministically on <see cref="TrainingCorpus"/>.
/// </summary>
public sealed class TestVocabulary
{
    /// <summary>Id of <c>&lt;pad&gt;</c>.</summary>
    public const int PadId = 0;

    /// <summary>Id of <c>&lt;eos&gt;</c>.</summary>
    public const int EosId = 1;

    /// <summary>Id of <c>&lt;bos&gt;</c>.</summary>
    public const int BosId = 2;

    /// <summary>Id of <c>&lt;unk&gt;</c>.</summary>
    public const int UnkId = 3;

    /// <summary>How many merges the default vocabulary learns.</summary>
    public const int DefaultMerges = 480;

    // llama.cpp token types.
    private const int Normal = 1;
    private const int Unknown = 2;
    private const int Control = 3;
    private const int UserDefined = 4;
    private const int Byte = 6;

    private static readonly Lazy<TestVocabulary> DefaultInstance = new(() => new TestVocabulary(null));

    private readonly Dictionary<string, int> _ids;

    private TestVocabulary(int? padToSize)
    {
        var tokens = new List<string>();
        var types = new List<int>();
        void Add(string piece, int type)
        {
            tokens.Add(piece);
            types.Add(type);
        }

        Add("<pad>", Control);
        Add("<eos>", Control);
        Add("<bos>", Control);
        Add("<unk>", Unknown);
        foreach (var t in ControlTokens.Skip(3))
        {
            Add(t, Control);
        }

        foreach (var t in UserDefinedTokens)
        {
            Add(t, UserDefined);
        }

        for (var b = 0; b < 256; b++)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"<0x{b:X2}>"), Byte);
        }

        FirstNormalId = tokens.Count;
        var (characters, merges) = BpeTrainer.Train(TrainingCorpus.Text, DefaultMerges);
        var seen = new HashSet<string>(tokens, StringComparer.Ordinal);
        foreach (var c in characters.Concat(["\n", "\t"]))
        {
            if (seen.Add(c))
            {
                Add(c, Normal);
            }
        }

        var mergeStrings = new List<string>();
        foreach (var (left, right) in merges.Concat([("\n", "\n"), ("\n\n", "\n")]))
        {
            mergeStrings.Add(left + " " + right);
            if (seen.Add(left + right))
            {
                Add(left + right, Normal);
            }
        }

        // Real Gemma vocabularies also mark ordinary pieces user-defined (HTML tags, whitespace runs): text, not markers.
        foreach (var t in OrdinaryUserDefinedTokens)
        {
            if (seen.Add(t))
            {
                Add(t, UserDefined);
            }
        }

        NaturalSize = tokens.Count;
        if (padToSize is { } size)
        {
            if (size < tokens.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(padToSize), size, $"The vocabulary needs at least {tokens.Count} tokens.");
            }

            // Filler pieces: normal tokens no merge produces, so tokenization is unchanged but the logits are full size.
            for (var i = tokens.Count; i < size; i++)
            {
                Add(string.Create(CultureInfo.InvariantCulture, $"\u2581filler{i}"), Normal);
            }
        }

        Tokens = tokens;
        TokenTypes = types;
        Scores = [.. Enumerable.Range(0, tokens.Count).Select(i => i < FirstNormalId ? 0f : -(i - FirstNormalId))];
        Merges = mergeStrings;
        _ids = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            _ids.TryAdd(tokens[i], i);
        }
    }

    /// <summary>The control tokens (type 3), in id order starting at 0 (<c>&lt;unk&gt;</c>, id 3, sits between bos and mask).</summary>
    public static IReadOnlyList<string> ControlTokens { get; } =
    [
        "<pad>", "<eos>", "<bos>", "<mask>", "<|turn>", "<turn|>", "<|tool>", "<tool|>", "<|think|>", "<|image|>",
        "<|audio|>", "<|image>", "<image|>", "<|audio>", "<audio|>",
    ];

    /// <summary>The user-defined tokens (type 4), as the official converter marks them.</summary>
    public static IReadOnlyList<string> UserDefinedTokens { get; } =
    [
        "<|tool_call>", "<tool_call|>", "<|tool_response>", "<tool_response|>", "<|\"|>", "<|channel>", "<channel|>",
    ];

    /// <summary>
    /// User-defined tokens (type 4) that are ordinary text, as real Gemma vocabularies have many (HTML tags such as
    /// <c>&lt;code&gt;</c>, whitespace runs): llama.cpp matches them in any text and prints them like normal pieces.
    /// </summary>
    public static IReadOnlyList<string> OrdinaryUserDefinedTokens { get; } = ["<code>", "</code>"];

    /// <summary>The default vocabulary (no padding).</summary>
    public static TestVocabulary Default => DefaultInstance.Value;

    /// <summary>The pieces, by id.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>llama.cpp token types, by id (1 normal, 2 unknown, 3 control, 4 user-defined, 6 byte).</summary>
    public IReadOnlyList<int> TokenTypes { get; }

    /// <summary>Scores, by id.</summary>
    public IReadOnlyList<float> Scores { get; }

    /// <summary>The merges, "left right", in rank order.</summary>
    public IReadOnlyList<string> Merges { get; }

    /// <summary>Id of the first normal (BPE) piece.</summary>
    public int FirstNormalId { get; }

    /// <summary>Size before any filler padding.</summary>
    public int NaturalSize { get; }

    /// <summary>Number of tokens.</summary>
    public int Count => Tokens.Count;

    /// <summary>Id of the byte token for <paramref name="value"/>.</summary>
    /// <param name="value">The byte.</param>
    public static int ByteTokenId(byte value) => 4 + (ControlTokens.Count - 3) + UserDefinedTokens.Count + value;

    /// <summary>A vocabulary padded with filler pieces to exactly <paramref name="size"/> tokens (null: no padding).</summary>
    /// <param name="size">The total size, e.g. 262,144 for Gemma 4's real vocabulary size.</param>
    public static TestVocabulary Create(int? size) => size is null ? Default : new TestVocabulary(size);

    /// <summary>The id of an exact piece, or -1.</summary>
    /// <param name="piece">The piece (spaces as U+2581).</param>
    public int IdOf(string piece) => _ids.GetValueOrDefault(piece, -1);
}
