using System.Runtime.InteropServices;
using System.Text;

namespace Gemma4.AI.Native;

/// <summary>
/// Runs a native call with the process's standard error (file descriptor 2) pointed at a temporary file and returns
/// what was written there. Some llama.cpp paths report with <c>fprintf(stderr, …)</c> instead of its log callback
/// (the GBNF parser's "expecting name at …"), so this is the only way to put their words into an exception.
/// </summary>
/// <remarks>
/// Used only to explain a failure that already happened (the call is repeated under capture), never on a success path.
/// Captures are serialized; whatever other threads write to descriptor 2 meanwhile is written back to it afterwards,
/// so nothing is lost. .NET's <c>Console.Error</c> holds its own duplicate of the descriptor and is unaffected.
/// Unix only; elsewhere the call runs uncaptured and the result is empty.
/// </remarks>
internal static partial class StandardErrorCapture
{
    private const int StandardError = 2;
    private static readonly Lock Gate = new();

    /// <summary>Runs <paramref name="call"/> and returns what it wrote to standard error ("" when nothing, or not on Unix).</summary>
    public static string Run(Action call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            call();
            return string.Empty;
        }

        lock (Gate)
        {
            var path = Path.Combine(Path.GetTempPath(), $"gemma4-stderr-{Environment.ProcessId}-{Guid.NewGuid():N}");
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose);
            var saved = Dup(StandardError);
            if (saved < 0)
            {
                call();
                return string.Empty;
            }

            var redirected = Dup2((int)file.SafeFileHandle.DangerousGetHandle(), StandardError) >= 0;
            try
            {
                call();
            }
            finally
            {
                if (redirected)
                {
                    _ = Dup2(saved, StandardError);
                }

                _ = Close(saved);
            }

            file.Position = 0;
            var bytes = new byte[file.Length];
            file.ReadExactly(bytes);
            return Encoding.UTF8.GetString(bytes);
        }
    }

    [LibraryImport("libc", EntryPoint = "dup")]
    private static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "dup2")]
    private static partial int Dup2(int fd, int target);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
