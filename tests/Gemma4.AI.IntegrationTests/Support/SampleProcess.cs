using System.Diagnostics;
using System.Reflection;

namespace Gemma4.AI.IntegrationTests.Support;

/// <summary>Runs a built sample program with <c>dotnet</c>, feeding stdin and capturing its output.</summary>
internal static class SampleProcess
{
    public static string PathOf(string sample) =>
        typeof(SampleProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == sample).Value!;

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string sample, string arguments, string? stdin, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet", $"\"{PathOf(sample)}\" {arguments}")
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close(); // end of input: the sample must exit cleanly
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{sample} {arguments} did not exit within {timeout}. Output so far: {await output}");
        }

        return (process.ExitCode, await output, await error);
    }
}
