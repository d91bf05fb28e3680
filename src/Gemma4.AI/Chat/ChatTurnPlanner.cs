using Gemma4.AI.Engine;
using Gemma4.AI.Formatting;
using Gemma4.AI.Grammar;
using Gemma4.AI.Lora;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Gemma4.AI.Chat;

/// <summary>Turns messages and ChatOptions into a <see cref="ChatTurn"/>: render, tokenize, map options.</summary>
internal static partial class ChatTurnPlanner
{
    public static ChatTurn Plan(
        IChatClient client,
        Gemma4Model model,
        Gemma4PromptFormatter formatter,
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        Gemma4GenerationOptions? clientDefaults,
        Gemma4ChatClientOptions clientOptions,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        // Rendering tokenizes and grammar checks read the vocabulary: both need the weights alive.
        cancellationToken.ThrowIfCancellationRequested();
        using var lease = model.AcquireNative();
        LogIgnoredOptions(options, model, logger);

        var generation = Gemma4ChatOptionsMapper.ToGenerationOptions(options, client);
        generation.Adapters ??= LoraSelection.FromAdditionalProperties(options?.AdditionalProperties, model);
        if (clientDefaults is not null)
        {
            Gemma4ChatOptionsMapper.FillDefaults(generation, clientDefaults); // the client's copy, checked when it was created
        }

        var list = UnsupportedContent.Apply(
            messages as IList<ChatMessage> ?? messages.ToList(), clientOptions.IgnoreUnsupportedContent, model.SupportsImages, model.SupportsAudio);
        var prepared = ChatMedia.Prepare(model, list);
        try
        {
            var turn = Plan(client, model, formatter, list, prepared, options, generation, clientOptions, logger, cancellationToken);
            ChatMedia.DisposeAll(prepared.Values.Where(m => !turn.Request.Media.Owners.Contains(m))); // media of dropped messages
            return turn;
        }
        catch
        {
            ChatMedia.DisposeAll(prepared.Values);
            throw;
        }
    }

    private static ChatTurn Plan(
        IChatClient client,
        Gemma4Model model,
        Gemma4PromptFormatter formatter,
        IList<ChatMessage> list,
        Dictionary<AIContent, PreparedMedia> prepared,
        ChatOptions? options,
        Gemma4GenerationOptions generation,
        Gemma4ChatClientOptions clientOptions,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var (prompt, tokens, media) = Render(model, formatter, list, prepared, options, clientOptions.ContextOverflow, generation.MaxOutputTokens, cancellationToken);

        var sampling = Gemma4ChatOptionsMapper.ToSampling(generation, Gemma4ChatOptionsMapper.DefaultSampling, grammar: null);

        // A raw GBNF grammar wins; otherwise tools (ToolMode) and ResponseFormat decide.
        var toolCall = ToolCallTokenId(model);
        var grammar = generation.Grammar is { Length: > 0 } gbnf
            ? new GrammarConstraint(gbnf)
            : BuildChatGrammar(options, new GrammarOptions(ThoughtPrefixFor(prompt, options), toolCall, generation.MaxConstrainedStringLength), logger)
                is { } built ? built with { RestrictSpecialTokens = true } : null;
        if (grammar is not null)
        {
            SamplerChainFactory.Validate(model.Tokenizer, grammar);
        }

        // No tool may be called (none declared, or ToolMode None): the model must not open a call either, as with OpenAI.
        var excluded = grammar is null && !ChatGrammar.AllowsToolCalls(options) && toolCall is { } opener ? new[] { opener } : [];

        var request = new GenerationRequest(tokens)
        {
            Media = media,
            Adapters = AdapterSet.Create(model, generation.Adapters),
            Sampling = sampling with { Grammar = grammar, ExcludedTokens = excluded },
            MaxOutputTokens = generation.MaxOutputTokens,
            StopSequences = generation.StopSequences is { Count: > 0 } stops ? CheckStopSequences(stops) : [],
        };

        var showReasoning = options?.Reasoning?.Output != ReasoningOutput.None;
        return new ChatTurn(prompt, request, showReasoning);
    }

    /// <summary>
    /// Renders and tokenizes, media placeholders replaced with their tokens; with
    /// <see cref="Gemma4ContextOverflowPolicy.DropOldestMessages"/>, drops old messages (and their media) until it fits.
    /// </summary>
    private static (Gemma4Prompt Prompt, int[] Tokens, MediaInput Media) Render(
        Gemma4Model model, Gemma4PromptFormatter formatter, IList<ChatMessage> list, Dictionary<AIContent, PreparedMedia> prepared,
        ChatOptions? options, Gemma4ContextOverflowPolicy overflow, int? maxOutputTokens, CancellationToken cancellationToken)
    {
        // Room for the answer too, but never more than a quarter of the context.
        var budget = overflow == Gemma4ContextOverflowPolicy.DropOldestMessages
            ? model.ContextSize - Math.Min(maxOutputTokens ?? 512, model.ContextSize / 4)
            : int.MaxValue;
        var tokenizer = new ChatMedia.MediaPromptTokenizer(model.Tokenizer, prepared);
        var (prompt, tokens) = MessageDropper.Fit(
            list, kept => formatter.FormatPrompt(kept, options, addGenerationPrompt: true), tokenizer, budget, cancellationToken);

        if (tokens.Length >= model.ContextSize)
        {
            throw new Gemma4ContextOverflowException(tokens.Length, model.ContextSize);
        }

        return (prompt, tokens, tokenizer.LastMedia);
    }

    /// <summary>The stop sequences as an array; the model's output is always valid UTF-16, so one with a lone surrogate could never match (also checked by the remote client).</summary>
    /// <exception cref="ArgumentException">A stop sequence holds a lone surrogate; the message gives its index.</exception>
    internal static string[] CheckStopSequences(IList<string> stopSequences)
    {
        for (var i = 0; i < stopSequences.Count; i++)
        {
            if (stopSequences[i] is { } stop && Utf16.IndexOfLoneSurrogate(stop) is var at and >= 0)
            {
                throw new ArgumentException(
                    $"StopSequences[{i}] has a lone surrogate (half of a UTF-16 character) at index {at}; the model's output is valid Unicode, so it could never match.",
                    nameof(stopSequences));
            }
        }

        return [.. stopSequences];
    }

    private static ThoughtPrefix ThoughtPrefixFor(Gemma4Prompt prompt, ChatOptions? options) =>
        prompt.EndsInsideThought ? ThoughtPrefix.Open
        : Gemma4MessageMapper.IsThinkingEnabled(options) ? ThoughtPrefix.Optional
        : ThoughtPrefix.None;

    /// <summary>
    /// The grammar for tools and ResponseFormat. With ToolMode Auto a tool whose schema cannot be enforced leaves the calls
    /// unconstrained (parsed, not enforced) rather than failing every request that merely offers it, as OpenAI's
    /// non-strict tools do; required tool calls and a ResponseFormat schema still throw.
    /// </summary>
    private static GrammarConstraint? BuildChatGrammar(ChatOptions? options, GrammarOptions grammarOptions, ILogger logger)
    {
        try
        {
            return ChatGrammar.Build(options, grammarOptions);
        }
        catch (NotSupportedException ex) when (options?.ToolMode is null or AutoChatToolMode && ChatGrammar.AllowsToolCalls(options))
        {
            if (options!.ResponseFormat is ChatResponseFormatJson json)
            {
                _ = ResponseFormatGrammar.Build(json, grammarOptions); // the answer's own schema must still be enforceable
            }

            Log.UnconstrainedTools(logger, ex.Message);
            return null;
        }
    }

    private static int? ToolCallTokenId(Gemma4Model model) =>
        model.Tokenizer.SpecialTokenId(Gemma4Tokens.ToolCallStart) is var id and >= 0 ? id : null;

    private static void LogIgnoredOptions(ChatOptions? options, Gemma4Model model, ILogger logger)
    {
        if (options is null || !logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        if (options.ModelId is { } id && id != model.ModelId)
        {
            Log.Ignored(logger, nameof(ChatOptions.ModelId), $"this client always runs {model.ModelId}");
        }

        if (options.ConversationId is not null)
        {
            Log.Ignored(logger, nameof(ChatOptions.ConversationId), "the provider is stateless; send the whole history (cached prefixes are reused)");
        }

        if (options.AllowBackgroundResponses is true || options.ContinuationToken is not null)
        {
            Log.Ignored(logger, "AllowBackgroundResponses/ContinuationToken", "background responses are not supported");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "ChatOptions.{Option} ignored: {Reason}.")]
        public static partial void Ignored(ILogger logger, string option, string reason);

        [LoggerMessage(2, LogLevel.Warning, "Tool calls are not constrained by a grammar for this request (ToolMode Auto): {Reason}")]
        public static partial void UnconstrainedTools(ILogger logger, string reason);
    }
}
