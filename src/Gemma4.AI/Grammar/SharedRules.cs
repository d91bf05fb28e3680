namespace Gemma4.AI.Grammar;

/// <summary>Rules that read the same in JSON and in Gemma 4's value syntax: numbers, booleans, null, string formats.</summary>
/// <remarks>Numbers are bounded like llama.cpp's JSON schema converter does (16 integral and 16 fractional digits, 3 exponent
/// digits) so a random model cannot write digits forever; Python's <c>1e-05</c> style is a valid JSON number too.</remarks>
internal static class SharedRules
{
    public static string Number(GbnfGrammarBuilder g) => g.GetOrAdd(
        "number", () => "\"-\"? (\"0\" | [1-9] [0-9]{0,15}) (\".\" [0-9]{1,16})? ([eE] [-+]? [0-9]{1,3})?");

    public static string Integer(GbnfGrammarBuilder g) => g.GetOrAdd("integer", () => "\"-\"? (\"0\" | [1-9] [0-9]{0,15})");

    public static string Boolean(GbnfGrammarBuilder g) => g.GetOrAdd("boolean", () => "\"true\" | \"false\"");

    public static string Null(GbnfGrammarBuilder g) => g.GetOrAdd("null", () => "\"null\"");

    /// <summary>The unquoted body of a supported string <c>format</c>, or null for a format without one.</summary>
    /// <remarks><c>date</c> never allows a day that does not exist (so not February 29th); <c>time</c> takes an optional offset because .NET's <c>TimeOnly</c> writes none; <c>date-time</c> needs one
    /// (RFC 3339).</remarks>
    public static string? Format(GbnfGrammarBuilder g, string format) => format switch
    {
        "date" => Date(g),
        "time" => g.GetOrAdd("time", () => TimeOfDay + " " + Offset + "?"),
        "date-time" => g.GetOrAdd("date-time", () => Date(g) + " \"T\" " + TimeOfDay + " " + Offset),
        "uuid" => g.GetOrAdd("uuid", () => "[0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{12}"),
        _ => null,
    };

    private const string TimeOfDay = "([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] (\".\" [0-9]{1,7})?";

    // Offsets within ±14:00, the range real zones use and .NET accepts.
    private const string Offset = "(\"Z\" | [+-] ((\"0\" [0-9] | \"1\" [0-3]) \":\" [0-5] [0-9] | \"14:00\"))";

    // Every date it allows exists: days per month, February up to the 28th (a leap day cannot be told apart cheaply),
    // years 1000-9999 (.NET cannot parse year 0).
    private static string Date(GbnfGrammarBuilder g) => g.GetOrAdd(
        "date",
        () => "[1-9] [0-9]{3} \"-\" ((\"0\" [13578] | \"1\" [02]) \"-\" (\"0\" [1-9] | [12] [0-9] | \"3\" [01])"
            + " | (\"0\" [469] | \"11\") \"-\" (\"0\" [1-9] | [12] [0-9] | \"30\")"
            + " | \"02-\" (\"0\" [1-9] | \"1\" [0-9] | \"2\" [0-8]))");
}
