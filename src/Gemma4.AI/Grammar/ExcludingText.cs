using System.Text;

namespace Gemma4.AI.Grammar;

/// <summary>Writes rules for free text that never contains any of a few forbidden strings.</summary>
/// <remarks>
/// llama.cpp matches a control token against character rules by its text (<c>&lt;|"|&gt;</c> is five characters to
/// them), so excluding a token's text from a text rule also excludes the token, and the same text spelled with
/// ordinary tokens. The rules are the states of an Aho-Corasick automaton: one rule per proper prefix of a forbidden
/// string, each with an empty alternative so the text may end anywhere. The automaton is deterministic, so sampling
/// keeps at most two grammar stacks alive (the text goes on, or it ended).
/// </remarks>
internal static class ExcludingText
{
    /// <summary>Adds the rules and returns the name of the start rule (text of any length, possibly empty).</summary>
    /// <param name="grammar">Where the rules go.</param>
    /// <param name="nameHint">The base of the rule names.</param>
    /// <param name="forbidden">Non-empty strings the text must not contain.</param>
    public static string Add(GbnfGrammarBuilder grammar, string nameHint, params string[] forbidden)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        ArgumentNullException.ThrowIfNull(forbidden);
        if (forbidden.Length == 0 || forbidden.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Give at least one non-empty forbidden string.", nameof(forbidden));
        }

        var automaton = new Automaton(forbidden);
        var names = new string[automaton.Count];
        for (var s = 0; s < names.Length; s++)
        {
            names[s] = grammar.Reserve(s == 0 ? nameHint : nameHint + "-" + s.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var alphabet = automaton.Alphabet;
        for (var s = 0; s < names.Length; s++)
        {
            // The empty alternative first: the text may stop in any state.
            var body = new StringBuilder("|");
            foreach (var group in alphabet.GroupBy(c => automaton.Next(s, c)))
            {
                if (group.Key > 0)
                {
                    body.Append(' ').Append(Gbnf.CharClass(false, group.Select(c => (c, c)).ToArray())).Append(' ').Append(names[group.Key]).Append(" |");
                }
            }

            // Every other character (including alphabet characters that lead back to the start) returns to the start.
            var leaving = alphabet.Where(c => automaton.Next(s, c) != 0).Select(c => (c, c)).ToArray();
            body.Append(' ').Append(leaving.Length == 0 ? "[^\\x00]" : Gbnf.CharClass(true, leaving)).Append(' ').Append(names[0]);
            grammar.Define(names[s], body.ToString());
        }

        return names[0];
    }

    // States are the proper prefixes of the forbidden strings (state 0: none); Next returns -1 for a forbidden match.
    private sealed class Automaton
    {
        private readonly List<Dictionary<int, int>> _children = [];
        private readonly List<int> _fail = [];
        private readonly List<bool> _forbidden = [];

        public Automaton(string[] forbidden)
        {
            NewState();
            foreach (var word in forbidden)
            {
                var s = 0;
                foreach (var rune in Gbnf.Runes(word))
                {
                    if (!_children[s].TryGetValue(rune.Value, out var next))
                    {
                        next = NewState();
                        _children[s][rune.Value] = next;
                    }

                    s = next;
                }

                _forbidden[s] = true;
            }

            // Breadth-first failure links; a state whose suffix chain reaches a forbidden word is forbidden too.
            var queue = new Queue<int>(_children[0].Values);
            while (queue.Count > 0)
            {
                var s = queue.Dequeue();
                foreach (var (c, child) in _children[s])
                {
                    var f = _fail[s];
                    while (f > 0 && !_children[f].ContainsKey(c))
                    {
                        f = _fail[f];
                    }

                    _fail[child] = _children[f].TryGetValue(c, out var u) ? u : 0;
                    _forbidden[child] |= _forbidden[_fail[child]];
                    queue.Enqueue(child);
                }
            }

            Alphabet = _children.SelectMany(d => d.Keys).Distinct().Order().ToArray();

            // Renumber so the kept (non-forbidden) states are 0..Count-1.
            _keep = new int[_children.Count];
            var n = 0;
            for (var s = 0; s < _children.Count; s++)
            {
                _keep[s] = _forbidden[s] ? -1 : n++;
            }

            Count = n;
        }

        private readonly int[] _keep;

        public int Count { get; }

        public int[] Alphabet { get; }

        /// <summary>The state after reading <paramref name="c"/> in (renumbered) state <paramref name="state"/>; -1 if forbidden.</summary>
        public int Next(int state, int c)
        {
            var s = Array.IndexOf(_keep, state);
            while (true)
            {
                if (_children[s].TryGetValue(c, out var next))
                {
                    return _keep[next];
                }

                if (s == 0)
                {
                    return 0;
                }

                s = _fail[s];
            }
        }

        private int NewState()
        {
            _children.Add([]);
            _fail.Add(0);
            _forbidden.Add(false);
            return _children.Count - 1;
        }
    }
}
