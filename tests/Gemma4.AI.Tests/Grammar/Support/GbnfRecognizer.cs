using System.Globalization;
using System.Text;

namespace Gemma4.AI.Tests.Grammar.Support;

/// <summary>
/// A small re-implementation of llama.cpp's GBNF semantics for tests: parses a grammar (rewriting groups and repetitions
/// into rules as llama.cpp does) and runs its pushdown stacks over characters and tokens. A token is matched by a token
/// reference, or character by character by its text, exactly as llama.cpp matches a control token's piece.
/// </summary>
internal sealed class GbnfRecognizer
{
    private readonly List<List<Element[]>> _rules = [];
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private int[]? _minLength;

    private GbnfRecognizer()
    {
    }

    /// <summary>The number of rules after rewriting.</summary>
    public int RuleCount => _rules.Count;

    public static GbnfRecognizer Parse(string gbnf, string root = "root")
    {
        var g = new GbnfRecognizer();
        foreach (var line in gbnf.Split('\n'))
        {
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var sep = line.IndexOf("::=", StringComparison.Ordinal);
            Assert.True(sep > 0, "Not a rule: " + line);
            var name = line[..sep].Trim();
            Assert.Matches("^[a-zA-Z0-9-]+$", name);
            var id = g.Id(name);
            var reader = new Reader(line[(sep + 3)..]);
            var alternatives = g.ParseAlternatives(reader, name);
            Assert.True(reader.AtEnd, $"Trailing text in rule {name}: {reader.Rest}");
            Assert.True(g._rules[id].Count == 0, "Rule defined twice: " + name);
            g._rules[id].AddRange(alternatives);
        }

        foreach (var (name, id) in g._ids)
        {
            Assert.True(g._rules[id].Count > 0, "Undefined rule: " + name);
        }

        Assert.True(g._ids.ContainsKey(root), "No root rule " + root);
        g.Root = g._ids[root];
        g.CheckNoLeftRecursion();
        return g;
    }

    private int Root { get; set; }

    /// <summary>The stacks at the start.</summary>
    public IReadOnlyList<Frame?> Start() => Expand(new Frame(Root, -1, 0, null, StartAlternatives: true));

    public bool Accepts(IEnumerable<Unit> units)
    {
        var stacks = Start();
        foreach (var unit in units)
        {
            stacks = Step(stacks, unit);
            if (stacks.Count == 0)
            {
                return false;
            }
        }

        return stacks.Any(s => s is null);
    }

    public bool Accepts(string text) => Accepts(Unit.FromText(text));

    /// <summary>Whether <paramref name="units"/> is a prefix of something the grammar accepts.</summary>
    public bool AcceptsPrefix(IEnumerable<Unit> units)
    {
        var stacks = Start();
        foreach (var unit in units)
        {
            stacks = Step(stacks, unit);
            if (stacks.Count == 0)
            {
                return false;
            }
        }

        return true;
    }

    public IReadOnlyList<Frame?> Step(IReadOnlyList<Frame?> stacks, Unit unit)
    {
        var next = new List<Frame?>();
        var seen = new HashSet<Frame?>();
        foreach (var stack in stacks)
        {
            if (stack is null)
            {
                continue;
            }

            var top = Top(stack);
            if (unit.Token is { } token && top is TokenElement t)
            {
                if (t.Negated != (t.Text == token))
                {
                    AddAll(next, seen, Expand(stack with { Pos = stack.Pos + 1 }));
                }

                continue;
            }

            // Characters of a character unit, or of a token's text when the grammar expects characters here.
            IReadOnlyList<Frame?> current = [stack];
            foreach (var c in unit.CodePoints)
            {
                var after = new List<Frame?>();
                var afterSeen = new HashSet<Frame?>();
                foreach (var s in current)
                {
                    if (s is not null && Top(s) is CharElement ce && ce.Matches(c))
                    {
                        AddAll(after, afterSeen, Expand(s with { Pos = s.Pos + 1 }));
                    }
                }

                current = after;
            }

            AddAll(next, seen, current);
        }

        return next;
    }

    /// <summary>The element a (non-null) stack expects next: a character class or a token.</summary>
    public Element Top(Frame stack) => _rules[stack.Rule][stack.Alt][stack.Pos];

    /// <summary>The fewest units that complete the stack.</summary>
    public int MinRemaining(Frame? stack)
    {
        _minLength ??= ComputeMinLengths();
        var total = 0;
        for (var f = stack; f is not null; f = f.Parent)
        {
            var seq = _rules[f.Rule][f.Alt];
            for (var i = f.Pos; i < seq.Length; i++)
            {
                total += seq[i] is RefElement r ? _minLength[r.Rule] : 1;
            }
        }

        return total;
    }

    private static void AddAll(List<Frame?> list, HashSet<Frame?> seen, IEnumerable<Frame?> items)
    {
        foreach (var item in items)
        {
            if (seen.Add(item))
            {
                list.Add(item);
            }
        }
    }

    // Expands rule references until every stack has a terminal on top (or is empty: null).
    private List<Frame?> Expand(Frame start)
    {
        var result = new List<Frame?>();
        var seen = new HashSet<Frame?>();
        var todo = new Stack<Frame?>();
        if (start.StartAlternatives)
        {
            for (var a = 0; a < _rules[start.Rule].Count; a++)
            {
                todo.Push(new Frame(start.Rule, a, 0, null));
            }
        }
        else
        {
            todo.Push(start);
        }

        var visited = new HashSet<Frame?>();
        while (todo.Count > 0)
        {
            var frame = todo.Pop();
            if (!visited.Add(frame))
            {
                continue;
            }

            if (frame is null)
            {
                if (seen.Add(null))
                {
                    result.Add(null);
                }

                continue;
            }

            var seq = _rules[frame.Rule][frame.Alt];
            if (frame.Pos == seq.Length)
            {
                todo.Push(frame.Parent);
                continue;
            }

            if (seq[frame.Pos] is RefElement r)
            {
                var parent = frame with { Pos = frame.Pos + 1 };
                for (var a = 0; a < _rules[r.Rule].Count; a++)
                {
                    todo.Push(new Frame(r.Rule, a, 0, parent));
                }

                continue;
            }

            if (seen.Add(frame))
            {
                result.Add(frame);
            }
        }

        return result;
    }

    private int[] ComputeMinLengths()
    {
        var min = Enumerable.Repeat(int.MaxValue / 4, _rules.Count).ToArray();
        for (var changed = true; changed;)
        {
            changed = false;
            for (var r = 0; r < _rules.Count; r++)
            {
                foreach (var seq in _rules[r])
                {
                    var len = (int)Math.Min(int.MaxValue / 4, seq.Sum(e => e is RefElement re ? (long)min[re.Rule] : 1));
                    if (len < min[r])
                    {
                        min[r] = len;
                        changed = true;
                    }
                }
            }
        }

        return min;
    }

    private void CheckNoLeftRecursion()
    {
        _minLength ??= ComputeMinLengths();
        var nullable = _minLength.Select(m => m == 0).ToArray();
        var state = new int[_rules.Count]; // 0 new, 1 in progress, 2 done
        void Visit(int r)
        {
            Assert.True(state[r] != 1, "Left recursion through rule " + _ids.First(p => p.Value == r).Key);
            if (state[r] == 2)
            {
                return;
            }

            state[r] = 1;
            foreach (var seq in _rules[r])
            {
                foreach (var e in seq)
                {
                    if (e is not RefElement re)
                    {
                        break;
                    }

                    Visit(re.Rule);
                    if (!nullable[re.Rule])
                    {
                        break;
                    }
                }
            }

            state[r] = 2;
        }

        for (var r = 0; r < _rules.Count; r++)
        {
            Visit(r);
        }
    }

    private int Id(string name)
    {
        if (!_ids.TryGetValue(name, out var id))
        {
            id = _rules.Count;
            _ids[name] = id;
            _rules.Add([]);
        }

        return id;
    }

    private int NewRule(string baseName, List<Element[]> alternatives)
    {
        var id = Id(baseName + "_" + _rules.Count.ToString(CultureInfo.InvariantCulture));
        _rules[id].AddRange(alternatives);
        return id;
    }

    private List<Element[]> ParseAlternatives(Reader r, string name)
    {
        var alternatives = new List<Element[]> { ParseSequence(r, name) };
        while (r.TryConsume('|'))
        {
            alternatives.Add(ParseSequence(r, name));
        }

        return alternatives;
    }

    private Element[] ParseSequence(Reader r, string name)
    {
        var seq = new List<Element>();
        while (true)
        {
            r.SkipSpace();
            if (r.AtEnd || r.Peek is '|' or ')')
            {
                return [.. seq];
            }

            Element item;
            var c = r.Peek;
            if (c == '"')
            {
                r.Next();
                var chars = new List<Element>();
                while (r.Peek != '"')
                {
                    var cp = r.ReadChar();
                    chars.Add(new CharElement(false, [(cp, cp)]));
                }

                r.Next();
                if (chars.Count == 0)
                {
                    continue;
                }

                if (chars.Count == 1)
                {
                    item = chars[0];
                }
                else if (r.NextIsPostfix)
                {
                    // A literal is one item for repetition purposes.
                    item = new RefElement(NewRule(name, [[.. chars]]));
                }
                else
                {
                    seq.AddRange(chars);
                    continue;
                }
            }
            else if (c == '[')
            {
                r.Next();
                var negated = r.TryConsumeRaw('^');
                var ranges = new List<(int, int)>();
                while (r.Peek != ']')
                {
                    var first = r.ReadChar();
                    var last = first;
                    if (r.Peek == '-' && r.PeekAt(1) != ']')
                    {
                        r.Next();
                        last = r.ReadChar();
                    }

                    ranges.Add((first, last));
                }

                r.Next();
                item = new CharElement(negated, [.. ranges]);
            }
            else if (c is '<' or '!')
            {
                var negated = r.TryConsumeRaw('!');
                item = new TokenElement(r.ReadToken(), negated);
            }
            else if (c == '(')
            {
                r.Next();
                var inner = ParseAlternatives(r, name);
                Assert.True(r.TryConsume(')'), "Missing ) in " + name);
                item = new RefElement(NewRule(name, inner));
            }
            else if (c == '.')
            {
                r.Next();
                item = new CharElement(true, []);
            }
            else
            {
                item = new RefElement(Id(r.ReadName()));
            }

            seq.AddRange(ApplyPostfix(r, name, item));
        }
    }

    private List<Element> ApplyPostfix(Reader r, string name, Element item)
    {
        r.SkipSpaceNoNewline();
        int min, max; // max -1: unbounded
        if (r.TryConsumeRaw('*'))
        {
            (min, max) = (0, -1);
        }
        else if (r.TryConsumeRaw('+'))
        {
            (min, max) = (1, -1);
        }
        else if (r.TryConsumeRaw('?'))
        {
            (min, max) = (0, 1);
        }
        else if (r.TryConsumeRaw('{'))
        {
            min = r.ReadInt();
            if (r.TryConsumeRaw('}'))
            {
                max = min;
            }
            else
            {
                Assert.True(r.TryConsumeRaw(','), "Bad repetition in " + name);
                max = char.IsAsciiDigit(r.Peek) ? r.ReadInt() : -1;
                Assert.True(r.TryConsumeRaw('}'), "Bad repetition in " + name);
            }

            Assert.True(min <= 2000 && (max == -1 || max >= min), "Bad repetition bounds in " + name);
        }
        else
        {
            return [item];
        }

        var result = Enumerable.Repeat(item, min).ToList();
        if (max == -1)
        {
            var star = Id(name + "_" + _rules.Count.ToString(CultureInfo.InvariantCulture));
            _rules[star].Add([item, new RefElement(star)]);
            _rules[star].Add([]);
            result.Add(new RefElement(star));
        }
        else if (max > min)
        {
            var last = -1;
            for (var i = 0; i < max - min; i++)
            {
                var opt = Id(name + "_" + _rules.Count.ToString(CultureInfo.InvariantCulture));
                _rules[opt].Add(last < 0 ? [item] : [item, new RefElement(last)]);
                _rules[opt].Add([]);
                last = opt;
            }

            result.Add(new RefElement(last));
        }

        return result;
    }

    /// <summary>One stack frame: the next element is alternative <see cref="Alt"/> of rule <see cref="Rule"/> at <see cref="Pos"/>.</summary>
    internal sealed record Frame(int Rule, int Alt, int Pos, Frame? Parent, bool StartAlternatives = false);

    internal abstract record Element;

    internal sealed record CharElement(bool Negated, (int First, int Last)[] Ranges) : Element
    {
        public bool Matches(int c) => Negated != Ranges.Any(r => r.First <= c && c <= r.Last);
    }

    internal sealed record TokenElement(string Text, bool Negated) : Element;

    internal sealed record RefElement(int Rule) : Element;

    private sealed class Reader(string text)
    {
        private int _pos;

        public bool AtEnd
        {
            get
            {
                SkipSpace();
                return _pos >= text.Length;
            }
        }

        public string Rest => text[_pos..];

        public char Peek => _pos < text.Length ? text[_pos] : '\0';

        public bool NextIsPostfix
        {
            get
            {
                SkipSpace();
                return Peek is '*' or '+' or '?' or '{';
            }
        }

        public char PeekAt(int offset) => _pos + offset < text.Length ? text[_pos + offset] : '\0';

        public void Next() => _pos++;

        public void SkipSpace()
        {
            while (_pos < text.Length && text[_pos] is ' ' or '\t')
            {
                _pos++;
            }
        }

        public void SkipSpaceNoNewline() => SkipSpace();

        public bool TryConsume(char c)
        {
            SkipSpace();
            return TryConsumeRaw(c);
        }

        public bool TryConsumeRaw(char c)
        {
            if (Peek == c)
            {
                _pos++;
                return true;
            }

            return false;
        }

        public int ReadInt()
        {
            var start = _pos;
            while (char.IsAsciiDigit(Peek))
            {
                _pos++;
            }

            return int.Parse(text[start.._pos], CultureInfo.InvariantCulture);
        }

        public string ReadName()
        {
            var start = _pos;
            while (char.IsAsciiLetterOrDigit(Peek) || Peek == '-')
            {
                _pos++;
            }

            Assert.True(_pos > start, "Expected a name at: " + Rest);
            return text[start.._pos];
        }

        public string ReadToken()
        {
            Assert.Equal('<', Peek);
            var end = text.IndexOf('>', _pos);
            Assert.True(end > _pos, "Unterminated token at: " + Rest);
            var token = text[_pos..(end + 1)];
            _pos = end + 1;
            return token;
        }

        public int ReadChar()
        {
            if (Peek != '\\')
            {
                var rune = Rune.GetRuneAt(text, _pos);
                _pos += rune.Utf16SequenceLength;
                return rune.Value;
            }

            _pos++;
            var e = text[_pos++];
            return e switch
            {
                'x' => Hex(2),
                'u' => Hex(4),
                'U' => Hex(8),
                't' => '\t',
                'r' => '\r',
                'n' => '\n',
                '\\' or '"' or '[' or ']' or '-' => e,
                _ => throw new FormatException("Unknown escape \\" + e),
            };
        }

        private int Hex(int digits)
        {
            var value = int.Parse(text.AsSpan(_pos, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            _pos += digits;
            return value;
        }
    }
}

/// <summary>One sampled unit: a token (by its text) or a single character.</summary>
internal readonly record struct Unit(string? Token, int Char)
{
    public IEnumerable<int> CodePoints => Token is { } t ? t.EnumerateRunes().Select(r => r.Value) : [Char];

    public string Text => Token ?? char.ConvertFromUtf32(Char);

    public static Unit Of(int c) => new(null, c);

    public static Unit OfToken(string token) => new(token, 0);

    public static IEnumerable<Unit> FromText(string text) => text.EnumerateRunes().Select(r => Of(r.Value));

    /// <summary>Text where the given token texts are single tokens (as a model emits them) and the rest are characters.</summary>
    public static List<Unit> Tokens(string text, params string[] tokens)
    {
        var units = new List<Unit>();
        for (var i = 0; i < text.Length;)
        {
            var token = tokens.Where(t => string.CompareOrdinal(text, i, t, 0, t.Length) == 0).MaxBy(t => t.Length);
            if (token is not null)
            {
                units.Add(OfToken(token));
                i += token.Length;
                continue;
            }

            var rune = Rune.GetRuneAt(text, i);
            units.Add(Of(rune.Value));
            i += rune.Utf16SequenceLength;
        }

        return units;
    }
}
