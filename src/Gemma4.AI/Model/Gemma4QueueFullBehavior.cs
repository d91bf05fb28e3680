namespace Gemma4.AI;

/// <summary>What a request does when the model's queue is full.</summary>
public enum Gemma4QueueFullBehavior
{
    /// <summary>Wait (cancellably) for a place in the queue.</summary>
    Wait = 0,

    /// <summary>Fail at once with <see cref="Gemma4QueueFullException"/> (an ASP.NET service can answer 503).</summary>
    Throw = 1,
}
