using System.Text.Encodings.Web;
using System.Text.Json;
using Gemma4.Samples;
using Microsoft.SemanticKernel;

namespace Gemma4.Agents;

/// <summary>Prints every plugin call and its result; as a kernel filter it sees the calls SK's function choice makes.</summary>
internal sealed class ToolCallPrinter : IFunctionInvocationFilter
{
    // Show arguments as the model wrote them (no \u escapes).
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private int _calls;

    /// <summary>Who is calling (printed with each call and counted); null prints nothing.</summary>
    public string? Caller { get; set; }

    public Dictionary<string, int> CallsByCaller { get; } = [];

    public static void PrintCall(int number, string caller, string name, IEnumerable<(string Key, object? Value)> arguments)
    {
        Console.ForegroundColor = ConsoleColor.Cyan;
        var text = $"{name}({string.Join(", ", arguments.Select(a => $"{a.Key}: {JsonSerializer.Serialize(a.Value, Readable)}"))})";
        Console.WriteLine($"  tool call #{number} ({caller}): {ConsoleText.Printable(text)}");
        Console.ResetColor();
    }

    public static void PrintResult(object? result)
    {
        Console.ForegroundColor = ConsoleColor.Cyan;
        Console.WriteLine($"    result: {ConsoleText.Printable(result is JsonElement json ? json.ToString() : result?.ToString())}");
        Console.ResetColor();
    }

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        await next(context);
        if (context.Function.PluginName is null || Caller is null)
        {
            return; // the prompt function itself, not a tool
        }

        CallsByCaller[Caller] = CallsByCaller.GetValueOrDefault(Caller) + 1;
        PrintCall(Interlocked.Increment(ref _calls), Caller, $"{context.Function.PluginName}.{context.Function.Name}", context.Arguments.Select(a => (a.Key, a.Value)));
        PrintResult(context.Result.GetValue<object>());
    }
}
