namespace Gemma4.AI;

/// <summary>Settings of a <see cref="Gemma4ChatClient"/>.</summary>
public sealed class Gemma4ChatClientOptions
{
    /// <summary>Defaults applied to every request before ChatOptions (for example a lower temperature).</summary>
    public Gemma4GenerationOptions? DefaultGenerationOptions { get; set; }

    /// <summary>Keep reasoning from earlier model turns that made tool calls (the template's preserve_thinking flag).</summary>
    public bool PreserveThinking { get; set; }

    /// <summary>What to do when a conversation does not fit in the context. Default: throw.</summary>
    public Gemma4ContextOverflowPolicy ContextOverflow { get; set; } = Gemma4ContextOverflowPolicy.Throw;

    /// <summary>Whether disposing the client disposes the model. Default false (the model is usually shared).</summary>
    public bool OwnsModel { get; set; }
}
