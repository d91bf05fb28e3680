namespace Gemma4.AI.Formatting;

/// <summary>Writes a tool declaration the way the template's <c>format_function_declaration</c> and <c>format_parameters</c> macros do.</summary>
/// <remarks>
/// The macros are reproduced with their quirks, because the model was trained on their output:
/// <list type="bullet">
/// <item><c>parameters:{</c> is closed only when the schema has a truthy <c>type</c>.</item>
/// <item><c>| upper</c> applies to Python's <c>str()</c> of the type, so <c>["string","null"]</c> prints <c>['STRING', 'NULL']</c>.</item>
/// <item>Non-string descriptions print with Python's <c>str()</c>; enums are written only for type STRING.</item>
/// <item>An OBJECT property without a <c>properties</c> mapping lists its own non-standard keys as properties.</item>
/// <item>Strings iterated as lists (<c>required: "ab"</c>) yield their characters.</item>
/// </list>
/// </remarks>
internal static class Gemma4DeclarationWriter
{
    private static readonly string[] StandardKeys = ["description", "type", "properties", "required", "nullable"];

    /// <summary>Writes <c>declaration:NAME{description:…,parameters:{…}}</c>.</summary>
    /// <exception cref="NotSupportedException">The schema has a shape the template cannot render (it would raise).</exception>
    public static void Write(PromptBuilder builder, TemplateTool tool)
    {
        try
        {
            WriteDeclaration(builder, tool);
        }
        catch (NotSupportedException ex)
        {
            throw new NotSupportedException($"Tool '{tool.Name}' cannot be declared to Gemma 4: {ex.Message}", ex);
        }
    }

    private static void WriteDeclaration(PromptBuilder builder, TemplateTool tool)
    {
        builder.AppendTemplate("declaration:").AppendContent(tool.Name);
        builder.AppendTemplate("{description:" + Gemma4Tokens.Quote).AppendContent(tool.Description).AppendTemplate(Gemma4Tokens.Quote);
        var parameters = tool.Parameters;
        if (PythonValues.IsTruthy(parameters))
        {
            builder.AppendTemplate(",parameters:{");
            var properties = PythonValues.GetItem(parameters, "properties");
            if (PythonValues.IsTruthy(properties))
            {
                builder.AppendTemplate("properties:{");
                WriteParameters(builder, properties, filterKeys: false);
                builder.AppendTemplate("},");
            }

            var required = PythonValues.GetItem(parameters, "required");
            if (PythonValues.IsTruthy(required))
            {
                WriteRequired(builder, required);
                builder.AppendTemplate(",");
            }

            var type = PythonValues.GetItem(parameters, "type");
            if (PythonValues.IsTruthy(type))
            {
                builder.AppendTemplate("type:" + Gemma4Tokens.Quote).AppendContent(UpperOf(type)).AppendTemplate(Gemma4Tokens.Quote + "}");
            }
        }

        builder.AppendTemplate("}");
    }

    // format_parameters(properties, required, filter_keys): `required` is unused by the macro.
    private static void WriteParameters(PromptBuilder builder, object? properties, bool filterKeys)
    {
        var foundFirst = false;
        foreach (var (key, value) in PythonValues.DictSort(properties, "'properties'"))
        {
            if (filterKeys && StandardKeys.Contains(key))
            {
                continue;
            }

            if (foundFirst)
            {
                builder.AppendTemplate(",");
            }

            foundFirst = true;
            builder.AppendContent(key).AppendTemplate(":{");
            var comma = new Comma(builder);

            var description = PythonValues.GetItem(value, "description");
            if (PythonValues.IsTruthy(description))
            {
                builder.AppendTemplate("description:" + Gemma4Tokens.Quote).AppendContent(PythonValues.Str(description)).AppendTemplate(Gemma4Tokens.Quote);
                comma.Set();
            }

            var type = UpperOf(PythonValues.GetItem(value, "type"));
            if (type == "STRING")
            {
                var enumValues = PythonValues.GetItem(value, "enum");
                if (PythonValues.IsTruthy(enumValues))
                {
                    comma.Write();
                    builder.AppendTemplate("enum:");
                    Gemma4ValueWriter.Write(builder, enumValues, escapeKeys: true);
                }
            }
            else if (type == "ARRAY" && PythonValues.GetItem(value, "items") is PyDict { Count: > 0 } items)
            {
                comma.Write();
                WriteItems(builder, items);
            }

            if (PythonValues.IsTruthy(PythonValues.GetItem(value, "nullable")))
            {
                comma.Write();
                builder.AppendTemplate("nullable:true");
            }

            if (type == "OBJECT")
            {
                if (PythonValues.GetItem(value, "properties") is PyDict nested)
                {
                    comma.Write();
                    builder.AppendTemplate("properties:{");
                    WriteParameters(builder, nested, filterKeys: false);
                    builder.AppendTemplate("}");
                }
                else if (value is PyDict)
                {
                    comma.Write();
                    builder.AppendTemplate("properties:{");
                    WriteParameters(builder, value, filterKeys: true);
                    builder.AppendTemplate("}");
                }

                var required = PythonValues.GetItem(value, "required");
                if (PythonValues.IsTruthy(required))
                {
                    comma.Write();
                    WriteRequired(builder, required);
                }
            }

            comma.Write();
            builder.AppendTemplate("type:" + Gemma4Tokens.Quote).AppendContent(type).AppendTemplate(Gemma4Tokens.Quote + "}");
        }
    }

    private static void WriteItems(PromptBuilder builder, PyDict items)
    {
        builder.AppendTemplate("items:{");
        var foundFirst = false;
        foreach (var (key, value) in PythonValues.DictSort(items, "'items'"))
        {
            if (value is null)
            {
                continue;
            }

            if (foundFirst)
            {
                builder.AppendTemplate(",");
            }

            foundFirst = true;
            switch (key)
            {
                case "properties":
                    builder.AppendTemplate("properties:{");
                    if (value is PyDict)
                    {
                        WriteParameters(builder, value, filterKeys: false);
                    }

                    builder.AppendTemplate("}");
                    break;
                case "required":
                    WriteRequired(builder, value);
                    break;
                case "type":
                    builder.AppendTemplate("type:");
                    object? upper = value is string s
                        ? PythonText.Upper(s)
                        : PythonValues.Iterate(value, "'items.type'").Select(t => (object?)UpperOf(t)).ToList();
                    Gemma4ValueWriter.Write(builder, upper, escapeKeys: true);
                    break;
                default:
                    builder.AppendContent(key).AppendTemplate(":");
                    Gemma4ValueWriter.Write(builder, value, escapeKeys: true);
                    break;
            }
        }

        builder.AppendTemplate("}");
    }

    private static void WriteRequired(PromptBuilder builder, object? required)
    {
        builder.AppendTemplate("required:[");
        var names = PythonValues.Iterate(required, "'required'");
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0)
            {
                builder.AppendTemplate(",");
            }

            Gemma4ValueWriter.WriteString(builder, PythonValues.Str(names[i]));
        }

        builder.AppendTemplate("]");
    }

    // Jinja's `| upper` stringifies first: a list type prints as "['STRING', 'NULL']", a missing one as "".
    private static string UpperOf(object? value) => PythonText.Upper(PythonValues.Str(value));

    /// <summary>The macro's <c>add_comma</c> flag: the first field after the property name has no comma.</summary>
    private struct Comma(PromptBuilder builder)
    {
        private bool _pending;

        public void Set() => _pending = true;

        public void Write()
        {
            if (_pending)
            {
                builder.AppendTemplate(",");
            }

            _pending = true;
        }
    }
}
