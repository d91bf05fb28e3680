using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Gemma4.AI.Hosting;

/// <summary>
/// Finds the keys of a configuration section that binding to an options type would silently ignore (likely typos),
/// at every depth: a misspelt <c>Chat:DefaultGenerationOptions:MaxOutputTokns</c> is as lost as a misspelt top-level key.
/// </summary>
internal static class Gemma4UnknownConfigurationKeys
{
    // Far deeper than any options type here; only guards against a type that contains itself.
    private const int MaxDepth = 16;

    /// <summary>The unknown keys' full paths, in ordinal order.</summary>
    /// <param name="section">The section bound to <paramref name="optionsType"/>.</param>
    /// <param name="optionsType">The type the section binds to.</param>
    /// <param name="otherSections">Children that are known but bound elsewhere (not descended into).</param>
    public static IEnumerable<string> Find(IConfiguration section, Type optionsType, params string[] otherSections)
    {
        var unknown = new List<string>();
        CollectObject(section, optionsType, otherSections.ToHashSet(StringComparer.OrdinalIgnoreCase), unknown, depth: 0);
        return unknown.Order(StringComparer.Ordinal);
    }

    private static void CollectObject(IConfiguration section, Type type, HashSet<string> skipped, List<string> unknown, int depth)
    {
        // Keys are case-insensitive, as the binder's are. Read-only reference properties count: the binder fills them in place.
        var settings = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(static p => p.GetIndexParameters().Length == 0 && (p.CanWrite || !p.PropertyType.IsValueType))
            .ToDictionary(static p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (skipped.Contains(child.Key))
            {
                continue;
            }

            if (settings.TryGetValue(child.Key, out var setting))
            {
                CollectValue(child, setting.PropertyType, unknown, depth + 1);
            }
            else
            {
                unknown.Add(child.Path);
            }
        }
    }

    private static void CollectValue(IConfigurationSection section, Type type, List<string> unknown, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (depth > MaxDepth || IsScalar(type))
        {
            return; // a scalar's value is the binder's to convert (and to reject); it has no keys of its own
        }

        if (ElementType(type) is { } element)
        {
            // List indices and dictionary keys are data, not setting names; only their values have settings.
            foreach (var child in section.GetChildren())
            {
                CollectValue(child, element, unknown, depth + 1);
            }

            return;
        }

        CollectObject(section, type, [], unknown, depth);
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));

    /// <summary>The value type of an array, list or dictionary; null for anything else.</summary>
    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var interfaces = type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces();
        var dictionary = interfaces.FirstOrDefault(static i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (dictionary is not null)
        {
            return dictionary.GetGenericArguments()[1];
        }

        return interfaces.FirstOrDefault(static i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }
}
