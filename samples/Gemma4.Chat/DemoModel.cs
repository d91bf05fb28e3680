using Gemma4.AI.TestModels;

namespace Gemma4.Chat;

/// <summary>Generates (once, cached) the tiny random-weight Gemma 4 model used by --demo.</summary>
internal static class DemoModel
{
    public static string Create() => TestModels.Gemma4();
}
