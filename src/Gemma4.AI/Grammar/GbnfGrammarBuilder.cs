using System.Text;

namespace Gemma4.AI.Grammar;

/// <summary>Collects the rules of one GBNF grammar: unique valid names, and one rule for each distinct body.</summary>
/// <remarks>
/// llama.cpp rule names may only hold ASCII letters, digits and '-'; its own generated names use '_', so ours never
/// collide with them. Rules with the same body are shared, which keeps grammars for many tools small.
/// </remarks>
internal sealed class GbnfGrammarBuilder
{
    /// <summary>The start rule every grammar built here has.</summary>
    public const string RootName = "root";

    private const int MaxNameLength = 40;

    private readonly List<string> _order = [];
    private readonly Dictionary<string, string?> _bodies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _nameByBody = new(StringComparer.Ordinal);

    /// <summary>Creates an empty grammar whose <see cref="RootName"/> rule is reserved.</summary>
    public GbnfGrammarBuilder() => _bodies[RootName] = null;

    /// <summary>Adds a rule, or returns the name of an existing rule with the same body.</summary>
    /// <param name="nameHint">What the name should look like; it is cleaned up and made unique.</param>
    /// <param name="body">The right-hand side.</param>
    public string Add(string nameHint, string body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(body);
        if (_nameByBody.TryGetValue(body, out var existing))
        {
            return existing;
        }

        var name = Reserve(nameHint);
        Define(name, body);
        return name;
    }

    /// <summary>Adds a rule under exactly <paramref name="name"/> unless it exists (shared helpers such as <c>ws</c>).</summary>
    /// <exception cref="InvalidOperationException">The name is taken by a rule with another body.</exception>
    public string GetOrAdd(string name, Func<string> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (_bodies.TryGetValue(name, out var existing))
        {
            return existing is null || existing == body()
                ? name
                : throw new InvalidOperationException($"The GBNF rule name '{name}' is already used by another rule.");
        }

        if (Clean(name) != name)
        {
            throw new ArgumentException($"'{name}' is not a valid GBNF rule name.", nameof(name));
        }

        _bodies[name] = null;
        Define(name, body());
        return name;
    }

    /// <summary>Whether a rule of this name is defined or reserved.</summary>
    public bool Contains(string name) => _bodies.ContainsKey(name);

    /// <summary>Reserves a unique name for a rule defined later (a recursive rule refers to itself by it).</summary>
    public string Reserve(string nameHint)
    {
        var baseName = Clean(nameHint);
        var name = baseName;
        for (var i = 2; _bodies.ContainsKey(name); i++)
        {
            name = baseName + "-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        _bodies[name] = null;
        return name;
    }

    /// <summary>Gives back a reserved name that turned out not to be needed.</summary>
    public void Release(string name)
    {
        if (name == RootName || !_bodies.TryGetValue(name, out var body) || body is not null)
        {
            throw new InvalidOperationException($"The GBNF rule '{name}' is not a reserved, undefined rule.");
        }

        _bodies.Remove(name);
    }

    /// <summary>Gives a reserved name its body.</summary>
    public void Define(string name, string body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(body);
        if (!_bodies.TryGetValue(name, out var existing) || existing is not null)
        {
            throw new InvalidOperationException($"The GBNF rule '{name}' is not reserved or is already defined.");
        }

        _bodies[name] = body;
        _order.Add(name);
        _nameByBody.TryAdd(body, name);
    }

    /// <summary>Writes the grammar with <paramref name="rootBody"/> as its <see cref="RootName"/> rule, first.</summary>
    /// <exception cref="InvalidOperationException">A reserved rule was never defined.</exception>
    public string Build(string rootBody)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootBody);
        var undefined = _bodies.Where(p => p.Value is null && p.Key != RootName).Select(p => p.Key).ToList();
        if (undefined.Count > 0)
        {
            throw new InvalidOperationException("GBNF rules reserved but never defined: " + string.Join(", ", undefined));
        }

        var sb = new StringBuilder();
        sb.Append(RootName).Append(" ::= ").Append(rootBody).Append('\n');
        foreach (var name in _order)
        {
            sb.Append(name).Append(" ::= ").Append(_bodies[name]).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Turns any text into a valid rule name: ASCII letters, digits and single dashes.</summary>
    public static string Clean(string hint)
    {
        var sb = new StringBuilder(Math.Min(hint?.Length ?? 0, MaxNameLength));
        foreach (var c in hint ?? string.Empty)
        {
            if (sb.Length >= MaxNameLength)
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        var name = sb.ToString().TrimEnd('-');
        return name.Length == 0 ? "r" : name;
    }
}
