using Gemma4.AI.Formatting;

namespace Gemma4.AI.Grammar;

/// <summary>The order in which Gemma 4's chat template writes object keys: Jinja's case-insensitive <c>dictsort</c>.</summary>
/// <remarks>The same Python semantics the prompt formatter uses (<see cref="PythonText.Lower"/>, code-point order, stable), so
/// the grammar asks for exactly the order the model sees in rendered tool calls.</remarks>
internal static class GemmaKeyOrder
{
    private static readonly Comparer<string> CodePoints = Comparer<string>.Create(PythonText.CompareCodePoints);

    public static IEnumerable<KeyValuePair<string, T>> Sort<T>(IEnumerable<KeyValuePair<string, T>> items) =>
        items.Select(p => (Key: PythonText.Lower(p.Key), Pair: p)).OrderBy(x => x.Key, CodePoints).Select(x => x.Pair);
}
