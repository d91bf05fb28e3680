namespace Gemma4.AI.Grammar;

/// <summary>Whether constrained output may start with reasoning (<c>&lt;|channel&gt;thought\n…&lt;channel|&gt;</c>).</summary>
internal enum ThoughtPrefix
{
    /// <summary>The output starts with the constrained part (thinking is off, or the prompt holds an empty channel).</summary>
    None,

    /// <summary>The model may first open a thought channel (thinking is on).</summary>
    Optional,

    /// <summary>The prompt ends inside an open thought channel: the output is reasoning until <c>&lt;channel|&gt;</c>.</summary>
    Open,
}
