namespace Gemma4.AI.Engine;

/// <summary>Why a generation ended.</summary>
internal enum StopReason
{
    /// <summary>The model sampled an end-of-generation token (<c>&lt;turn|&gt;</c>, <c>&lt;eos&gt;</c>, <c>&lt;|tool_response&gt;</c>).</summary>
    EndOfGeneration,

    /// <summary>The output reached one of the request's stop sequences.</summary>
    StopSequence,

    /// <summary>The output reached the request's maximum token count.</summary>
    MaxTokens,

    /// <summary>The context window is full.</summary>
    ContextFull,
}
