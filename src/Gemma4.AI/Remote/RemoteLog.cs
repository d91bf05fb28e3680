using Microsoft.Extensions.Logging;

namespace Gemma4.AI.Remote;

/// <summary>What the remote clients log: start-up probes and engines that leak Gemma 4 markup into answers.</summary>
internal static partial class RemoteLog
{
    [LoggerMessage(1, LogLevel.Warning,
        "{Engine} at {Endpoint} returned Gemma 4 markup (<|channel>, <|tool_call>, control tokens) inside the answer text. " +
        "It was parsed here into reasoning and tool calls, but the engine is misconfigured: {Hint}")]
    public static partial void LeakedMarkup(ILogger logger, string engine, Uri endpoint, string hint);

    [LoggerMessage(2, LogLevel.Information, "Gemma 4 {Registration}: {Description}.")]
    public static partial void Probed(ILogger logger, string registration, string description);

    [LoggerMessage(3, LogLevel.Warning,
        "Gemma 4 {Registration}: {Engine} at {Endpoint} could not be reached at start-up ({Reason}); requests will fail until it answers, and the health check reports it.")]
    public static partial void Unreachable(ILogger logger, string registration, string engine, Uri endpoint, string reason);

    [LoggerMessage(4, LogLevel.Information, "Gemma 4 {Registration}: remote {Engine} at {Endpoint}; the in-process settings (ModelPath {ModelPath}) are not used.")]
    public static partial void LocalSettingsIgnored(ILogger logger, string registration, string engine, Uri endpoint, string modelPath);

    /// <summary>What to change on the engine so it parses Gemma 4's output itself.</summary>
    public static string MarkupHint(Gemma4RemoteEngine engine) => engine switch
    {
        Gemma4RemoteEngine.Vllm => "start vllm serve with --reasoning-parser gemma4 --tool-call-parser gemma4 --enable-auto-tool-choice.",
        Gemma4RemoteEngine.LlamaServer => "start llama-server with --jinja and without --reasoning-format none or --skip-chat-parsing.",
        Gemma4RemoteEngine.Ollama => "use an Ollama version with the Gemma 4 renderer and parser, and a model whose RENDERER/PARSER is gemma4.",
        _ => "enable the server's Gemma 4 reasoning and tool-call parsing.",
    };
}
