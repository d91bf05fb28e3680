using System.Numerics;
using System.Text;

namespace Gemma4.AI.Formatting;

/// <summary>Jinja's undefined value: what a missing key or an item lookup on a non-mapping yields.</summary>
internal sealed class PyUndefined
{
    public static readonly PyUndefined Instance = new();

    private PyUndefined()
    {
    }
}

/// <summary>
/// Python/Jinja semantics over the template's value model: <see langword="null"/> (None), <see cref="string"/>,
/// <see cref="bool"/>, <see cref="BigInteger"/> (int), <see cref="double"/> (float), <see cref="List{T}"/> of
/// values (list), <see cref="PyDict"/> (dict) and <see cref="PyUndefined"/>.
/// </summary>
internal static class PythonValues
{
    /// <summary>Python truthiness (<c>{% if value %}</c>).</summary>
    public static bool IsTruthy(object? value) => value switch
    {
        null or PyUndefined => false,
        bool b => b,
        string s => s.Length > 0,
        BigInteger i => !i.IsZero,
        double d => d != 0,
        List<object?> list => list.Count > 0,
        PyDict dict => dict.Count > 0,
        _ => true,
    };

    /// <summary>Jinja's <c>value['key']</c>: the mapping's item, or undefined for a missing key or a non-mapping.</summary>
    /// <remarks>
    /// Jinja falls back to attribute lookup; none of the keys the template looks up (<c>description</c>, <c>type</c>,
    /// <c>enum</c>, <c>items</c>, <c>nullable</c>, <c>properties</c>, <c>required</c>) is an attribute that a JSON value
    /// has as data: <c>dict.items</c> is a method and fails the template's <c>is mapping</c> test, as undefined does.
    /// </remarks>
    public static object? GetItem(object? value, string key) =>
        value is PyDict dict && dict.TryGetValue(key, out var item) ? item : PyUndefined.Instance;

    /// <summary>Python's <c>str()</c>, which is what <c>{{ value }}</c> prints (undefined prints nothing).</summary>
    public static string Str(object? value) => value switch
    {
        string s => s,
        PyUndefined => string.Empty,
        _ => Repr(value),
    };

    /// <summary>Python's <c>repr()</c> (containers print their items with <c>repr()</c>).</summary>
    public static string Repr(object? value)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, value);
        return sb.ToString();
    }

    /// <summary>The items a Jinja <c>for</c> loop visits: list items, string code points, or mapping keys.</summary>
    /// <exception cref="NotSupportedException">The value is not iterable (a number, a boolean, None).</exception>
    public static IReadOnlyList<object?> Iterate(object? value, string what) => value switch
    {
        List<object?> list => list,
        string s => PythonText.CodePoints(s).Select(cp => (object?)CodePointString(cp)).ToList(),
        PyDict dict => dict.Select(p => (object?)p.Key).ToList(),
        PyUndefined => [],
        _ => throw new NotSupportedException($"The chat template cannot iterate {what}: {Repr(value)} is not a list."),
    };

    /// <summary>Jinja's <c>dictsort</c>: items ordered by case-insensitive key (Python <c>lower()</c>, stable).</summary>
    /// <exception cref="NotSupportedException">The value is not a mapping.</exception>
    public static IEnumerable<KeyValuePair<string, object?>> DictSort(object? value, string what)
    {
        if (value is not PyDict dict)
        {
            throw new NotSupportedException($"The chat template needs {what} to be a JSON object, not {Repr(value)}.");
        }

        return dict.Select(p => (Key: PythonText.Lower(p.Key), Pair: p))
            .OrderBy(x => x.Key, CodePointComparer.Instance)
            .Select(x => x.Pair);
    }

    private static string CodePointString(int cp)
    {
        var sb = new StringBuilder(2);
        PythonText.AppendCodePoint(sb, cp);
        return sb.ToString();
    }

    private static void AppendRepr(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("None");
                break;
            case bool b:
                sb.Append(b ? "True" : "False");
                break;
            case string s:
                sb.Append(PythonText.Repr(s));
                break;
            case BigInteger i:
                sb.Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(PythonText.FloatRepr(d));
                break;
            case List<object?> list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    AppendRepr(sb, list[i]);
                }

                sb.Append(']');
                break;
            case PyDict dict:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in dict)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    sb.Append(PythonText.Repr(k)).Append(": ");
                    AppendRepr(sb, v);
                }

                sb.Append('}');
                break;
            case PyUndefined:
                break;
            default:
                throw new ArgumentException($"Not a template value: {value.GetType()}.", nameof(value));
        }
    }

    private sealed class CodePointComparer : IComparer<string>
    {
        public static readonly CodePointComparer Instance = new();

        public int Compare(string? x, string? y) => PythonText.CompareCodePoints(x!, y!);
    }
}
