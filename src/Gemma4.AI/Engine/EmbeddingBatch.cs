using LLama.Native;

namespace Gemma4.AI.Engine;

/// <summary>
/// A reusable llama_batch for media embeddings of one sequence: positions, sequence ids and output flags are kept here,
/// the embeddings are read in place from mtmd's output buffer (no copy).
/// </summary>
internal sealed unsafe class EmbeddingBatch : IDisposable
{
    private readonly LLamaNativeBatch _batch;
    private bool _disposed;

    public EmbeddingBatch(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _batch = NativeApi.llama_batch_init(capacity, 0, 1);
    }

    public int Capacity { get; }

    /// <summary>A batch of <paramref name="count"/> embeddings at consecutive positions from <paramref name="position"/>, no outputs.</summary>
    public LLamaNativeBatch View(float* embeddings, int count, int position, int sequence)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Capacity);
        for (var i = 0; i < count; i++)
        {
            ((int*)_batch.pos)[i] = position + i;
            _batch.n_seq_id[i] = 1;
            ((int**)_batch.seq_id)[i][0] = sequence;
            _batch.logits[i] = 0;
        }

        var view = _batch;
        view.tokens = null;
        view.embd = embeddings;
        view.n_tokens = count;
        return view;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            NativeApi.llama_batch_free(_batch); // frees what llama_batch_init allocated (the token array, never the embeddings)
        }
    }
}
