namespace Gemma4.AI.Engine;

/// <summary>
/// One caller's inputs on their way through the embedding loop. The loop thread owns the scheduling state; the caller
/// awaits <see cref="Completion"/>, and a cancelled caller is released at once (the loop then skips its inputs).
/// </summary>
internal sealed class EmbeddingRequest
{
    private readonly Stack<int> _retry = new();
    private int _next;
    private int _remaining;
    private int _cancelRequested;

    public EmbeddingRequest(int[][] inputs, int embeddingLength)
    {
        Inputs = inputs;
        EmbeddingLength = embeddingLength;
        Vectors = new float[inputs.Length][];
        _remaining = inputs.Length;
    }

    /// <summary>Token ids of each input; every one is non-empty and fits one batch.</summary>
    public int[][] Inputs { get; }

    public int EmbeddingLength { get; }

    /// <summary>Pooled vectors as llama.cpp returned them, filled by the loop.</summary>
    public float[][] Vectors { get; }

    public TaskCompletionSource<float[][]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool CancelRequested => Volatile.Read(ref _cancelRequested) != 0;

    public bool IsDone => Completion.Task.IsCompleted;

    /// <summary>Tokens of this request in the decode now running (loop thread writes, cancellation reads).</summary>
    public int TokensInBatch { get; set; }

    /// <summary>Marks the request cancelled; true the first time.</summary>
    public bool RequestCancel() => Interlocked.Exchange(ref _cancelRequested, 1) == 0;

    /// <summary>The next input to decode, without taking it; false when all are scheduled.</summary>
    public bool TryPeek(out int index)
    {
        if (_retry.TryPeek(out index))
        {
            return true;
        }

        index = _next;
        return _next < Inputs.Length;
    }

    /// <summary>Takes the input <see cref="TryPeek"/> returned.</summary>
    public void Take()
    {
        if (!_retry.TryPop(out _))
        {
            _next++;
        }
    }

    /// <summary>Puts back an input whose decode was aborted.</summary>
    public void Requeue(int index) => _retry.Push(index);

    /// <summary>Stores a vector; completes the request when it was the last one.</summary>
    public void SetVector(int index, float[] vector)
    {
        Vectors[index] = vector;
        if (--_remaining == 0)
        {
            Completion.TrySetResult(Vectors);
        }
    }
}
