using System.Buffers;

namespace Gemma4.AspNet.OpenAI;

/// <summary>Field paths as OpenAI's <c>param</c> writes them: <c>messages[0].content</c>, <c>tools[1].function.name</c>.</summary>
internal static class WirePath
{
    private static readonly SearchValues<char> Plain = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-$");

    public static string Property(string? parent, string name)
    {
        if (name.Length > 0 && !name.AsSpan().ContainsAnyExcept(Plain))
        {
            return string.IsNullOrEmpty(parent) ? name : $"{parent}.{name}";
        }

        // Keys that are not identifiers (schema property names with spaces or dots) are quoted, as System.Text.Json does.
        return $"{parent}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";
    }

    public static string Index(string? parent, int index) => $"{parent}[{index}]";

    /// <summary>A System.Text.Json path (<c>$.messages[0].role</c>) as a param (<c>messages[0].role</c>); null for the root.</summary>
    public static string? FromJsonPath(string? path) =>
        path is null || path.Length < 2 || path[0] != '$' ? null
        : path[1] == '.' ? path[2..]
        : path[1..];
}
