using System.Runtime.CompilerServices;
using Gemma4.AI.Chat;
using Gemma4.AI.Formatting;
using Gemma4.AI.Parsing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gemma4.AI;

/// <summary>An <see cref="IChatClient"/> that runs a Gemma 4 model in-process through llama.cpp.</summary>
/// <remarks>
/// <para>Prompts are rendered exactly as the official Gemma 4 chat template renders them; output is parsed back into
/// text, reasoning and function calls. Non-streaming calls are the streaming call collected, so both behave alike.</para>
/// <para>Images and audio: <see cref="DataContent"/> images (PNG, JPEG, BMP, GIF, TGA) and audio (WAV, MP3,
/// FLAC) in user and assistant messages reach the model when it was loaded with a projector
/// (<see cref="Gemma4ModelOptions.ProjectorPath"/>); other media, URLs and files throw <see cref="NotSupportedException"/>
/// (or are dropped with <see cref="Gemma4ChatClientOptions.IgnoreUnsupportedContent"/>), and corrupt media
/// <see cref="Gemma4MediaException"/> (an <see cref="ArgumentException"/> naming the message and content). See docs/multimodal.md.</para>
/// <para>ChatOptions mapping: Temperature, TopP, TopK, Seed, MaxOutputTokens, StopSequences, FrequencyPenalty and
/// PresencePenalty map to llama.cpp sampling; Instructions becomes the first system turn; Reasoning.Effort (other than
/// None) turns thinking on and Reasoning.Output = None hides the reasoning; Tools and ToolMode render tool
/// declarations; RawRepresentationFactory may return a <see cref="Gemma4GenerationOptions"/> whose values win.
/// ModelId, ConversationId, AllowBackgroundResponses and ContinuationToken are ignored (one local model, no server
/// state) with a debug log.</para>
/// <para>Thread-safe: concurrent calls become parallel sequences of the model's context and are decoded together.
/// Cancellation stops the request within one decode step (a long prompt decode is aborted).</para>
/// </remarks>
public sealed partial class Gemma4ChatClient : IChatClient
{
    private readonly Gemma4Model _model;
    private readonly Gemma4ChatClientOptions _options;
    private readonly Gemma4GenerationOptions? _defaults;
    private readonly Gemma4PromptFormatter _formatter;
    private readonly ChatClientMetadata _metadata;
    private readonly ILogger _logger;

    /// <summary>Creates a client over a loaded model.</summary>
    /// <param name="model">The model; shared, and not disposed with the client unless <see cref="Gemma4ChatClientOptions.OwnsModel"/>.</param>
    /// <param name="options">Client settings; copied, so later changes to the object do not reach the client.</param>
    /// <param name="logger">Receives debug messages about ignored options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="model"/> is disposed.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="Gemma4ModelLoadException">An adapter of <see cref="Gemma4ChatClientOptions.LoraAdapters"/> cannot be loaded for the model.</exception>
    public Gemma4ChatClient(Gemma4Model model, Gemma4ChatClientOptions? options = null, ILogger<Gemma4ChatClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.ThrowIfDisposed(); // a client over a disposed model could only fail later: say so now, as every other call does
        _model = model;
        _options = options?.Clone() ?? new Gemma4ChatClientOptions();
        _options.Validate();
        _defaults = WithClientAdapters(model, _options);
        _formatter = new Gemma4PromptFormatter(model.TemplateVariant) { PreserveThinking = _options.PreserveThinking };
        _metadata = new ChatClientMetadata("gemma4", null, model.ModelId);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The model this client runs.</summary>
    public Gemma4Model Model => _model;

    /// <summary>The formatter that renders this client's prompts.</summary>
    internal Gemma4PromptFormatter Formatter => _formatter;

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        return await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The messages and options are rendered, tokenized and checked when this method is called, so bad arguments,
    /// unsupported content and context overflow throw here, as with other clients, not at the first MoveNextAsync.
    /// </remarks>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var turn = ChatTurnPlanner.Plan(this, _model, _formatter, messages, options, _defaults, _options, _logger, cancellationToken);
        return StreamAsync(turn, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(ChatTurn turn, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var responseId = NewId("resp");
        var messageId = NewId("msg");
        var createdAt = DateTimeOffset.UtcNow;
        var parser = new Gemma4OutputParser(turn.Prompt.EndsInsideThought);
        var contents = new List<AIContent>();

        await foreach (var update in _model.Engine.GenerateAsync(turn.Request, cancellationToken).ConfigureAwait(false))
        {
            if (update.Text.Length > 0)
            {
                parser.AppendToken(update.Text, update.IsSpecial, contents);
            }

            ChatFinishReason? finishReason = null;
            if (update.IsFinal)
            {
                parser.Complete(contents);
                finishReason = Gemma4ChatOptionsMapper.FromStopReason(update.StopReason!.Value, parser.HasToolCalls);
                contents.Add(new UsageContent(Gemma4ChatOptionsMapper.FromUsage(update.Usage)) { RawRepresentation = update.Usage });
            }

            if (!turn.ShowReasoning)
            {
                contents.RemoveAll(static c => c is TextReasoningContent);
            }

            if (contents.Count == 0 && finishReason is null)
            {
                continue;
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, [.. contents])
            {
                ResponseId = responseId,
                MessageId = messageId,
                ModelId = _model.ModelId,
                CreatedAt = createdAt,
                FinishReason = finishReason,
                RawRepresentation = update,
            };
            contents.Clear();
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType == typeof(Gemma4Model) ? _model
            : serviceType == typeof(Gemma4PromptFormatter) ? _formatter
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Disposes the model if this client owns it.</summary>
    public void Dispose()
    {
        if (_options.OwnsModel)
        {
            _model.Dispose();
        }
    }

    private static string NewId(string prefix) => $"{prefix}_{Guid.NewGuid():N}";

    /// <summary>The client's defaults, with its configured LoRA adapters (loaded now) where the defaults name none.</summary>
    private static Gemma4GenerationOptions? WithClientAdapters(Gemma4Model model, Gemma4ChatClientOptions options)
    {
        var defaults = options.DefaultGenerationOptions;
        if (options.LoraAdapters is not { Count: > 0 } configured || defaults?.Adapters is not null)
        {
            return defaults;
        }

        var adapters = configured.Select(a => new Gemma4AdapterScale(model.LoadAdapter(a.Path, a.Name), a.Scale)).ToList();
        var copy = defaults is null ? new Gemma4GenerationOptions() : Gemma4ChatOptionsMapper.Copy(defaults);
        copy.Adapters = adapters;
        return copy;
    }
}
