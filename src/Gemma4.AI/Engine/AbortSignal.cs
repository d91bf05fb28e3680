using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gemma4.AI.Engine;

/// <summary>A flag in native memory that llama.cpp polls between graph nodes to abort a long decode.</summary>
/// <remarks>llama_decode only checks cancellation through this callback; a managed token cannot interrupt it.</remarks>
internal sealed unsafe class AbortSignal : IDisposable
{
    private int* _flag = (int*)NativeMemory.AllocZeroed(sizeof(int));

    public IntPtr Data => (IntPtr)_flag;

    public static delegate* unmanaged[Cdecl]<IntPtr, byte> Callback => &ShouldAbort;

    private readonly Lock _gate = new();

    /// <summary>Read by the loop thread only, which ends before <see cref="Dispose"/>.</summary>
    public bool IsSet => _flag != null && Volatile.Read(ref *_flag) != 0;

    /// <summary>Raises the flag; any thread, at any time (a cancellation callback may run after disposal: then nothing).</summary>
    public void Set()
    {
        lock (_gate)
        {
            if (_flag != null)
            {
                Volatile.Write(ref *_flag, 1);
            }
        }
    }

    /// <summary>Lowers the flag; the loop thread only.</summary>
    public void Reset()
    {
        if (_flag != null)
        {
            Volatile.Write(ref *_flag, 0);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_flag != null)
            {
                NativeMemory.Free(_flag);
                _flag = null;
            }
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static byte ShouldAbort(IntPtr data) => Volatile.Read(ref *(int*)data) != 0 ? (byte)1 : (byte)0;
}
