using System.ComponentModel;
using System.Globalization;
using Microsoft.SemanticKernel;

namespace Gemma4.Agents.Plugins;

/// <summary>Arithmetic the model should not do in its head.</summary>
internal sealed class CalculatorPlugin
{
    [KernelFunction("add"), Description("Adds two numbers.")]
    public static double Add([Description("The first number")] double a, [Description("The second number")] double b) => a + b;

    [KernelFunction("multiply"), Description("Multiplies two numbers.")]
    public static double Multiply([Description("The first number")] double a, [Description("The second number")] double b) => a * b;

    [KernelFunction("divide"), Description("Divides a by b.")]
    public static string Divide([Description("The dividend")] double a, [Description("The divisor")] double b) =>
        b == 0 ? "error: division by zero" : (a / b).ToString(CultureInfo.InvariantCulture);
}
