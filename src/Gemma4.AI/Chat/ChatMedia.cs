using System.Globalization;
using Gemma4.AI.Engine;
using Gemma4.AI.Formatting;
using Gemma4.AI.Multimodal;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Chat;

/// <summary>
/// Images and audio of a chat turn: checks and decodes each medium once (on the caller's thread, outside the decode
/// loop), and replaces each template placeholder of the tokenized prompt with mtmd's tokens for it.
/// </summary>
internal static class ChatMedia
{
    /// <summary>
    /// Decodes and tokenizes every image and audio clip of <paramref name="messages"/> (which hold only supported media
    /// by now), keyed by the content object.
    /// </summary>
    /// <exception cref="Gemma4MediaException">A medium is empty, corrupt, truncated, too large, or not what its media type says; the
    /// message names the message index, the content index and the media type.</exception>
    public static Dictionary<AIContent, PreparedMedia> Prepare(Gemma4Model model, IList<ChatMessage> messages)
    {
        var prepared = new Dictionary<AIContent, PreparedMedia>(ReferenceEqualityComparer.Instance);
        if (model.Projector is not { } projector)
        {
            return prepared;
        }

        try
        {
            for (var i = 0; i < messages.Count; i++)
            {
                var contents = messages[i].Contents;
                for (var j = 0; j < contents.Count; j++)
                {
                    var content = contents[j];
                    if (content is DataContent or UriContent && !prepared.ContainsKey(content)
                        && MediaTypeOf(content) is { } mediaType && MediaTypes.KindOf(MediaTypes.Normalize(mediaType)) is { } kind)
                    {
                        prepared[content] = PrepareOne(model, projector, content, kind, mediaType, i, messages[i].Role, j);
                    }
                }
            }

            return prepared;
        }
        catch
        {
            DisposeAll(prepared.Values);
            throw;
        }
    }

    /// <summary>
    /// Replaces each media placeholder token (<c>&lt;|image|&gt;</c>, <c>&lt;|audio|&gt;</c>) with its medium's tokens:
    /// begin-of-media, one position per embedding, end-of-media, as llama.cpp's server produces them.
    /// </summary>
    /// <param name="tokens">The tokenized prompt.</param>
    /// <param name="prompt">The rendered prompt (its media, in placeholder order).</param>
    /// <param name="prepared">The prepared media by content.</param>
    /// <param name="tokenizer">The vocabulary of the placeholders.</param>
    /// <param name="tokenIndexes">Ascending indexes into <paramref name="tokens"/>, moved to the same tokens in the result.</param>
    public static (int[] Tokens, MediaInput Media) Expand(
        int[] tokens, Gemma4Prompt prompt, IReadOnlyDictionary<AIContent, PreparedMedia> prepared, Gemma4Tokenizer tokenizer, Span<int> tokenIndexes)
    {
        if (prompt.Media.Count == 0)
        {
            return (tokens, MediaInput.Empty);
        }

        var image = tokenizer.SpecialTokenId(Gemma4Tokens.Image);
        var audio = tokenizer.SpecialTokenId(Gemma4Tokens.Audio);
        var result = new List<int>(tokens.Length);
        var spans = new List<MediaSpan>();
        var owners = new List<PreparedMedia>();
        var next = 0;
        var index = 0;
        for (var k = 0; k < tokens.Length; k++)
        {
            for (; index < tokenIndexes.Length && tokenIndexes[index] <= k; index++)
            {
                tokenIndexes[index] += result.Count - k;
            }

            var token = tokens[k];
            if (token < 0 || (token != image && token != audio))
            {
                result.Add(token);
                continue;
            }

            // Content text never yields control tokens, so every placeholder in the tokens is one the template wrote.
            var content = next < prompt.Media.Count ? prompt.Media[next++] : null;
            if (content is null || !prepared.TryGetValue(content, out var media)
                || (token == image) != (media.Kind == MediaKind.Image))
            {
                throw new InvalidOperationException($"Media placeholder {next} of the prompt does not match its content (an internal error).");
            }

            for (var c = 0; c < media.Chunks.Count; c++)
            {
                spans.Add(new MediaSpan(result.Count + media.Chunks[c].Offset, media.Chunks[c].Length, media, c));
            }

            result.AddRange(media.Tokens);
            if (!owners.Contains(media))
            {
                owners.Add(media);
            }
        }

        for (; index < tokenIndexes.Length; index++)
        {
            tokenIndexes[index] += result.Count - tokens.Length;
        }

        return ([.. result], new MediaInput(spans, owners));
    }

    /// <summary>
    /// The prompt tokenizer message dropping sees: it tokenizes as usual, then expands the media placeholders, so media
    /// count with their full token length and message starts stay right. Remembers the media of its last prompt.
    /// </summary>
    public sealed class MediaPromptTokenizer(Gemma4Tokenizer tokenizer, IReadOnlyDictionary<AIContent, PreparedMedia> prepared) : IPromptTokenizer
    {
        /// <summary>The media spans of the last prompt tokenized.</summary>
        public MediaInput LastMedia { get; private set; } = MediaInput.Empty;

        public int[] Tokenize(Gemma4Prompt prompt, Span<int> messageTokenStarts)
        {
            var (tokens, media) = Expand(tokenizer.Tokenize(prompt, messageTokenStarts), prompt, prepared, tokenizer, messageTokenStarts);
            LastMedia = media;
            return tokens;
        }
    }

    /// <summary>Disposes media no request took.</summary>
    public static void DisposeAll(IEnumerable<PreparedMedia> media)
    {
        foreach (var m in media)
        {
            m.Dispose();
        }
    }

    private static string? MediaTypeOf(AIContent content) => content switch
    {
        DataContent data => data.MediaType,
        UriContent uri => uri.MediaType,
        _ => null,
    };

    private static PreparedMedia PrepareOne(Gemma4Model model, MediaProjector projector, AIContent content, MediaKind kind, string mediaType, int message, ChatRole role, int index)
    {
        string Where() => string.Create(CultureInfo.InvariantCulture, $"Message {message} ({role}) content {index}: the '{mediaType}' data");
        Gemma4MediaException Bad(string text, Exception? inner = null) => new(message, index, mediaType, text, inner);

        ReadOnlyMemory<byte> bytes;
        try
        {
            // A data: URI in a UriContent carries its bytes like a DataContent.
            bytes = content is UriContent uri ? new DataContent(uri.Uri, uri.MediaType).Data : ((DataContent)content).Data;
        }
        catch (FormatException ex)
        {
            throw Bad($"{Where()} is not a valid data URI: {ex.Message}", ex);
        }

        if (bytes.IsEmpty)
        {
            throw Bad($"{Where()} is empty (0 bytes).");
        }

        var normalized = MediaTypes.Normalize(mediaType);
        var declared = kind == MediaKind.Image ? MediaTypes.Images[normalized] : MediaTypes.Audio[normalized];
        var format = MediaSniffer.Detect(bytes.Span, declaredTga: declared == MediaFormat.Tga);
        if (MediaTypes.KindOf(format) != kind)
        {
            var what = kind == MediaKind.Image ? "an image" : "audio";
            throw Bad(format == MediaFormat.Unknown
                ? $"{Where()} is not {what} in a format the decoders read (no {MediaTypes.Describe(declared)} header in its first bytes; corrupt or mislabelled?)."
                : $"{Where()} holds {MediaTypes.Describe(format)}, not {what} the decoders read.");
        }

        long width = 0, height = 0;
        if (kind == MediaKind.Image)
        {
            if (!MediaSniffer.TryReadImageSize(bytes.Span, format, out width, out height, out var problem))
            {
                throw Bad($"{Where()} cannot be decoded: {problem}.");
            }

            // Checked before stb_image allocates width x height pixels: a small file may claim a huge image.
            var limit = model.LoadedOptions.MaxImagePixels;
            if (width * height > limit)
            {
                throw Bad(string.Create(CultureInfo.InvariantCulture,
                    $"{Where()} is a {width} x {height} image ({width * height:N0} pixels), over the limit of {limit:N0} pixels (Gemma4ModelOptions.MaxImagePixels); scale it down first."));
            }

            if (!MediaSniffer.IsComplete(bytes.Span, format, width, height, out problem))
            {
                throw Bad($"{Where()} cannot be decoded: {problem}.");
            }
        }
        else if (!AudioHeader.TryReadSeconds(bytes.Span, format, out var seconds, out var audioProblem))
        {
            throw Bad($"{Where()} cannot be decoded: {audioProblem}.");
        }
        else if (seconds > model.LoadedOptions.MaxAudioSeconds)
        {
            // Checked before libmtmd's decoder allocates the declared length, resampled to 16 kHz.
            throw Bad(string.Create(CultureInfo.InvariantCulture,
                $"{Where()} cannot be used: the clip is {seconds:F1} s long, over the {model.LoadedOptions.MaxAudioSeconds} s limit (Gemma4ModelOptions.MaxAudioSeconds)."));
        }

        // The decoders would fill what is missing with black or silence.
        if (MediaSniffer.FindTruncation(bytes.Span, format) is { } truncated)
        {
            throw Bad($"{Where()} cannot be used: {truncated}.");
        }

        PreparedMedia media;
        try
        {
            media = projector.Prepare(bytes, kind, model.LoadedOptions.MaxAudioSeconds);
        }
        catch (InvalidDataException ex)
        {
            throw Bad($"{Where()} cannot be used: {ex.Message}.", ex);
        }

        // The budget checked at load keeps images within a micro-batch; a chunk beyond it would abort llama.cpp. The
        // context's micro-batch is the one to compare: llama.cpp caps MicroBatchSize at BatchSize and ContextSize.
        var microBatch = model.Engine.Settings.MicroBatchSize;
        foreach (var chunk in media.Chunks)
        {
            if (chunk.NonCausal && chunk.Length > microBatch)
            {
                media.Dispose();
                throw Bad($"{Where()} became {chunk.Length} tokens, more than one micro-batch holds ({microBatch}: the least of "
                    + $"MicroBatchSize {model.LoadedOptions.MicroBatchSize}, BatchSize {model.LoadedOptions.BatchSize} and ContextSize {model.LoadedOptions.ContextSize}).");
            }
        }

        return media;
    }
}
