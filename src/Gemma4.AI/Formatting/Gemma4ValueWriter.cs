using System.Numerics;

namespace Gemma4.AI.Formatting;

/// <summary>Writes a value the way the template's <c>format_argument</c> macro does.</summary>
/// <remarks>
/// Strings are wrapped in <c>&lt;|"|&gt;</c> and written raw; mappings are sorted with Jinja's case-insensitive
/// <c>dictsort</c>; numbers print as Python's <c>str()</c>; None, True and False print as <c>null</c>,
/// <c>true</c>, <c>false</c>. Values and keys are content, the punctuation is template text.
/// </remarks>
internal static class Gemma4ValueWriter
{
    /// <summary>Writes <paramref name="value"/>; with <paramref name="escapeKeys"/> mapping keys are quoted too.</summary>
    public static void Write(PromptBuilder builder, object? value, bool escapeKeys)
    {
        switch (value)
        {
            case null:
                builder.AppendTemplate("null");
                break;
            case string s:
                WriteString(builder, s);
                break;
            case bool b:
                builder.AppendTemplate(b ? "true" : "false");
                break;
            case PyDict:
                builder.AppendTemplate("{");
                var first = true;
                foreach (var (key, item) in PythonValues.DictSort(value, "a mapping"))
                {
                    if (!first)
                    {
                        builder.AppendTemplate(",");
                    }

                    first = false;
                    if (escapeKeys)
                    {
                        WriteString(builder, key);
                    }
                    else
                    {
                        builder.AppendContent(key);
                    }

                    builder.AppendTemplate(":");
                    Write(builder, item, escapeKeys);
                }

                builder.AppendTemplate("}");
                break;
            case List<object?> list:
                builder.AppendTemplate("[");
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.AppendTemplate(",");
                    }

                    Write(builder, list[i], escapeKeys);
                }

                builder.AppendTemplate("]");
                break;
            case BigInteger or double:
                builder.AppendContent(PythonValues.Str(value));
                break;
            default:
                throw new ArgumentException($"Not a template value: {value.GetType()}.", nameof(value));
        }
    }

    /// <summary>Writes <c>&lt;|"|&gt;text&lt;|"|&gt;</c>.</summary>
    public static void WriteString(PromptBuilder builder, string text) =>
        builder.AppendTemplate(Gemma4Tokens.Quote).AppendContent(text).AppendTemplate(Gemma4Tokens.Quote);
}
