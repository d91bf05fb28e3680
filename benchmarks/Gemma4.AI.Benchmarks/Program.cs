using Gemma4.AI.Benchmarks;

// Gemma4.AI benchmarks: our IChatClient against a native C loop over the same libllama.so. See docs/benchmarks.md.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    return await BenchmarkProgram.RunAsync(args, Console.Out, cancel.Token);
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
