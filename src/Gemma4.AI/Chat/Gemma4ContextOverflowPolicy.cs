namespace Gemma4.AI;

/// <summary>What a chat request does when the conversation does not fit in the context.</summary>
public enum Gemma4ContextOverflowPolicy
{
    /// <summary>Throw <see cref="Gemma4ContextOverflowException"/> with the token counts (default).</summary>
    Throw = 0,

    /// <summary>
    /// Drop the oldest messages after the system message (a tool call goes together with its results) until the prompt
    /// fits with room for the answer; the last user message is never dropped. The conversation is rendered and
    /// tokenized a few times however many messages go (the cost is linear in its length), and the request's
    /// cancellation token is honoured while planning.
    /// </summary>
    DropOldestMessages = 1,
}
