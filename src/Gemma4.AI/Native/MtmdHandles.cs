using System.Runtime.InteropServices;

namespace Gemma4.AI.Native;

/// <summary>An mtmd context (a loaded projector); freed once, after the last lease is released.</summary>
internal sealed class SafeMtmdContextHandle : SafeHandle
{
    public SafeMtmdContextHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        MtmdNative.Free(handle);
        return true;
    }
}

/// <summary>The chunks mtmd_tokenize produced for one image or audio clip (text around the media, and the media itself).</summary>
/// <remarks>A SafeHandle, so chunks of a request that is never run are still freed (by the finalizer).</remarks>
internal sealed class SafeMtmdChunksHandle : SafeHandle
{
    public SafeMtmdChunksHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        MtmdNative.ChunksFree(handle);
        return true;
    }
}
