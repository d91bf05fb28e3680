using LLama.Native;

namespace Gemma4.AI.Engine;

/// <summary>A reusable llama_batch with one sequence id per token; filled in place, so the token loop allocates nothing.</summary>
internal sealed unsafe class NativeBatch : IDisposable
{
    private LLamaNativeBatch _batch;
    private bool _disposed;

    public NativeBatch(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _batch = NativeApi.llama_batch_init(capacity, 0, 1);
    }

    public int Capacity { get; }

    public int Count { get; private set; }

    public int Free => Capacity - Count;

    public void Clear() => Count = 0;

    /// <summary>Adds a token and returns its index in the batch (the index its logits are read at).</summary>
    public int Add(int token, int position, int sequence, bool logits)
    {
        if (Count >= Capacity)
        {
            throw new InvalidOperationException($"The batch is full ({Capacity} tokens).");
        }

        var i = Count++;
        ((int*)_batch.tokens)[i] = token;
        ((int*)_batch.pos)[i] = position;
        _batch.n_seq_id[i] = 1;
        ((int**)_batch.seq_id)[i][0] = sequence;
        _batch.logits[i] = logits ? (byte)1 : (byte)0;
        return i;
    }

    /// <summary>The native struct with its token count set, ready for llama_decode.</summary>
    public LLamaNativeBatch ToNative()
    {
        var copy = _batch;
        copy.n_tokens = Count;
        return copy;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            NativeApi.llama_batch_free(_batch);
        }
    }
}
