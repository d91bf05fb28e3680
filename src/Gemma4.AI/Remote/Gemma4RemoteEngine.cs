namespace Gemma4.AI;

/// <summary>
/// The serving engine behind a remote registration. It picks the wire dialect: which fields switch thinking, which
/// field carries reasoning, which endpoints exist (see docs/remote.md for the table).
/// </summary>
public enum Gemma4RemoteEngine
{
    /// <summary>
    /// Any server that speaks OpenAI's Chat Completions API (the Gemma4.AspNet sample, gateways, LM Studio, Ollama's
    /// <c>/v1</c>): standard fields only, thinking switched with <c>reasoning_effort</c>.
    /// </summary>
    OpenAICompatible = 0,

    /// <summary>vLLM's OpenAI-compatible server, started with the <c>gemma4</c> reasoning and tool-call parsers.</summary>
    Vllm = 1,

    /// <summary>llama.cpp's <c>llama-server</c> with Jinja templates (<c>--jinja</c>).</summary>
    LlamaServer = 2,

    /// <summary>Ollama's native API (<c>/api/chat</c>, <c>/api/embed</c>).</summary>
    Ollama = 3,
}
