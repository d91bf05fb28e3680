using Microsoft.Extensions.AI;

namespace Gemma4.AI.Remote;

/// <summary>What one response has said so far: identity, finish reason, usage and the pieces still being collected.</summary>
/// <remarks>Identity, model and creation time are taken from the first chunk that carries them (they may arrive on any);
/// usage from the last one that carries it (some engines repeat running totals).</remarks>
internal sealed class RemoteTurn
{
    public string? ResponseId { get; set; }

    public string? ModelId { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>The engine's finish reason as it wrote it.</summary>
    public string? FinishReason { get; set; }

    public UsageDetails? Usage { get; set; }

    public object? UsageRaw { get; set; }

    /// <summary>Tool-call fragments (OpenAI streaming) or whole calls (Ollama, non-streaming), emitted at the end.</summary>
    public StreamedToolCalls ToolCalls { get; } = new();

    /// <summary>The answer text, through the Gemma 4 parser.</summary>
    public LeakedMarkup Content { get; } = new();
}
