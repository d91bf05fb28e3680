namespace Gemma4.AI;

/// <summary>Thrown when a model already has as many requests running and queued as it accepts.</summary>
public sealed class Gemma4QueueFullException : InvalidOperationException
{
    /// <summary>Creates the exception for a model accepting <paramref name="capacity"/> requests at once.</summary>
    public Gemma4QueueFullException(int capacity)
        : base($"The model already has {capacity} requests running or queued (Gemma4ModelOptions.MaxParallelSequences + " +
               "MaxQueuedRequests); try again later, or set QueueFullBehavior = Wait.")
    {
        Capacity = capacity;
    }

    /// <summary>Creates the exception.</summary>
    public Gemma4QueueFullException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public Gemma4QueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public Gemma4QueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>How many requests the model accepts at once.</summary>
    public int Capacity { get; }
}
