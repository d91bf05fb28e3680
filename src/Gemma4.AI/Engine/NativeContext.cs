using System.Runtime.CompilerServices;
using Gemma4.AI.Native;
using LLama.Native;

namespace Gemma4.AI.Engine;

/// <summary>Creates llama.cpp contexts so that a failure leaves nothing behind and says why.</summary>
internal static class NativeContext
{
    /// <summary>
    /// Creates a context over <paramref name="model"/>. On failure no reference to the model is left (the weights can
    /// be freed) and the exception made by <paramref name="failure"/> gets llama.cpp's own reason (its error log lines,
    /// such as "failed to allocate buffer" or "n_seq_max must be &lt;= 256").
    /// </summary>
    public static SafeLLamaContextHandle Create(SafeLlamaModelHandle model, in LLamaContextParams parameters, Func<string, Exception?, Exception> failure)
    {
        using var capture = NativeErrorCapture.Start();
        SafeLLamaContextHandle context;
        try
        {
            context = SafeLLamaContextHandle.Create(model, parameters);
        }
        catch (LLama.Exceptions.RuntimeError ex)
        {
            throw failure(capture.Describe(ex.Message), ex);
        }

        if (context.IsInvalid)
        {
            // LLamaSharp 0.30 takes a reference on the model even when llama.cpp returned no context, and an invalid
            // handle is never released: that reference kept the weights (and the file mapping) alive after Dispose.
            ref var owner = ref ModelOf(context);
            if (owner is not null)
            {
                owner = null;
                model.DangerousRelease();
            }

            throw failure(capture.Describe("llama.cpp returned no context"), null);
        }

        return context;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_model")]
    private static extern ref SafeLlamaModelHandle? ModelOf(SafeLLamaContextHandle context);
}
