using Gemma4.AI.Chat;

namespace Gemma4.AI;

/// <summary>Settings of a <see cref="Gemma4ChatClient"/>.</summary>
public sealed class Gemma4ChatClientOptions
{
    /// <summary>Defaults for what a request leaves unset (for example a lower temperature); <see cref="Validate"/> checks the same ranges as a request's.</summary>
    public Gemma4GenerationOptions? DefaultGenerationOptions { get; set; }

    /// <summary>Keep reasoning from earlier model turns that made tool calls (the template's preserve_thinking flag).</summary>
    public bool PreserveThinking { get; set; }

    /// <summary>What to do when a conversation does not fit in the context. Default: throw.</summary>
    public Gemma4ContextOverflowPolicy ContextOverflow { get; set; } = Gemma4ContextOverflowPolicy.Throw;

    /// <summary>Whether disposing the client disposes the model. Default false (the model is usually shared).</summary>
    public bool OwnsModel { get; set; }

    /// <summary>
    /// Drop content the model cannot take instead of throwing <see cref="NotSupportedException"/>: images or audio without
    /// a projector that encodes them, media types the decoders do not read, video, URLs (never fetched), files, and media
    /// in system or tool messages. Corrupt or oversized media still throw <see cref="ArgumentException"/>. Default false.
    /// </summary>
    public bool IgnoreUnsupportedContent { get; set; }

    /// <summary>
    /// LoRA adapters the client loads for its model when it is created (an adapter already loaded under the same name from
    /// the same file is shared) and applies to requests that choose no adapters themselves: the way to serve several
    /// fine-tunes of one base model as several (keyed) clients. Empty by default.
    /// </summary>
    public IList<Gemma4LoraAdapterOptions> LoraAdapters { get; set; } = [];

    /// <summary>
    /// Creates a copy, with its own <see cref="DefaultGenerationOptions"/> and <see cref="LoraAdapters"/>, so a client
    /// never sees later changes.
    /// </summary>
    public Gemma4ChatClientOptions Clone()
    {
        var copy = (Gemma4ChatClientOptions)MemberwiseClone();
        copy.DefaultGenerationOptions = DefaultGenerationOptions is { } defaults ? Gemma4ChatOptionsMapper.Copy(defaults) : null;
        copy.LoraAdapters = LoraAdapters is null ? null! : [.. LoraAdapters.Select(static a => a?.Clone()!)]; // nulls stay for Validate to name
        return copy;
    }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(ContextOverflow))
        {
            throw new ArgumentOutOfRangeException(nameof(ContextOverflow), ContextOverflow,
                $"Gemma4ChatClientOptions.ContextOverflow must be Throw or DropOldestMessages; got {ContextOverflow}.");
        }

        if (DefaultGenerationOptions is { } defaults)
        {
            // The same ranges as a request's; ParamName is the configuration path below the Chat section.
            Gemma4GenerationOptionsValidator.Validate(
                defaults, Gemma4GenerationOptionsValidator.ClientDefaultsSource, $"{nameof(DefaultGenerationOptions)}:");
        }

        var adapters = LoraAdapters ?? [];
        for (var i = 0; i < adapters.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(adapters[i], nameof(LoraAdapters));
            try
            {
                adapters[i].Validate();
            }
            catch (ArgumentException e)
            {
                // Name the entry as configuration does (LoraAdapters:0:Path), so start-up errors point at the key.
                var message = e.Message.Split(" (Parameter '", 2)[0];
                throw new ArgumentException(message, $"{nameof(LoraAdapters)}:{i}:{e.ParamName}", e);
            }
        }
    }
}
