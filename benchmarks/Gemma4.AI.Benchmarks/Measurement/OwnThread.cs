namespace Gemma4.AI.Benchmarks.Measurement;

/// <summary>Runs synchronous llama.cpp work on a new thread that ends with it.</summary>
/// <remarks>
/// Every thread that runs ggml's CPU backend keeps an OpenMP thread team until it exits, and once the process holds
/// more OpenMP threads than CPUs, libgomp makes every barrier sleep almost at once, slowing every later decode of
/// every context by ~25% (see the library's OpenMpTeam). A decode on a thread-pool thread would leave such a team
/// behind for the rest of the run; a thread of its own takes its team with it.
/// </remarks>
internal static class OwnThread
{
    public static T Run<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
#pragma warning disable CA1031 // Rethrown on the caller's thread below.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                error = ex;
            }
        })
        { IsBackground = true, Name = "bench native work" };
        thread.Start();
        thread.Join();
        return error is null ? result : throw new InvalidOperationException("Work on its own thread failed.", error);
    }
}
