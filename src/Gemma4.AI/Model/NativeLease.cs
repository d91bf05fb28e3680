using System.Runtime.InteropServices;

namespace Gemma4.AI;

/// <summary>
/// Keeps a model's weights alive while a caller's thread makes native calls on them (tokenizing, building grammars):
/// a <see cref="Gemma4Model.Dispose"/> that runs meanwhile defers the free until the lease ends.
/// </summary>
internal readonly struct NativeLease : IDisposable
{
    private readonly SafeHandle? _handle;

    internal NativeLease(SafeHandle handle) => _handle = handle;

    public void Dispose() => _handle?.DangerousRelease();
}
