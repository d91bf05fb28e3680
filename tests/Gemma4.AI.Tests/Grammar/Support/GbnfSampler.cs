namespace Gemma4.AI.Tests.Grammar.Support;

/// <summary>Draws random outputs from a grammar, the way a model with random weights would, but always finishing.</summary>
/// <remarks>Characters for negated classes come from a pool of awkward ones (quotes, backslashes, the pieces of control
/// tokens, accents, emoji, line breaks). Past <c>softLength</c> units every step takes the shortest way to the end.</remarks>
internal sealed class GbnfSampler(GbnfRecognizer grammar, Random random)
{
    private static readonly int[] Pool =
    [
        'a', 'b', 'Z', '0', '7', ' ', '\n', '\t', '"', '\\', '/', '<', '>', '|', ':', ',', '{', '}', '[', ']', '-', '+', '.', 'e',
        'é', 'ß', '漢', 0x1F600, 0x7F, 0x01,
    ];

    /// <summary>Control tokens a model may emit anywhere (the grammar decides where they are allowed).</summary>
    public IReadOnlyList<string> Tokens { get; init; } = [];

    public List<Unit> Sample(int softLength = 60, double stopChance = 0.3)
    {
        var units = new List<Unit>();
        var stacks = grammar.Start();
        while (true)
        {
            var complete = stacks.Any(s => s is null);
            var live = stacks.Where(s => s is not null).Select(s => s!).ToList();
            if (complete && (live.Count == 0 || units.Count > softLength || random.NextDouble() < stopChance / 4))
            {
                return units;
            }

            Assert.NotEmpty(live);
            var candidates = units.Count > softLength
                ? live.GroupBy(grammar.MinRemaining).MinBy(g => g.Key)!.ToList()
                : live;
            var stack = candidates[random.Next(candidates.Count)];
            var top = grammar.Top(stack);
            var unit = Draw(top, allowTokenText: units.Count <= softLength);
            var next = grammar.Step(stacks, unit);
            if (next.Count == 0 && top is GbnfRecognizer.CharElement)
            {
                // A control token whose text the character rules reject here: a plain character instead.
                unit = Draw(top, allowTokenText: false);
                next = grammar.Step(stacks, unit);
            }

            Assert.NotEmpty(next);
            units.Add(unit);
            stacks = next;
        }
    }

    private Unit Draw(GbnfRecognizer.Element element, bool allowTokenText)
    {
        switch (element)
        {
            case GbnfRecognizer.TokenElement { Negated: false } token:
                return Unit.OfToken(token.Text);
            case GbnfRecognizer.CharElement chars:
                // Sometimes a whole control token, matched by its text (llama.cpp does the same with a token's piece).
                if (allowTokenText && Tokens.Count > 0 && random.NextDouble() < 0.1)
                {
                    var token = Tokens[random.Next(Tokens.Count)];
                    if (chars.Matches(char.ConvertToUtf32(token, 0)))
                    {
                        return Unit.OfToken(token);
                    }
                }

                if (!chars.Negated)
                {
                    var (first, last) = chars.Ranges[random.Next(chars.Ranges.Length)];
                    return Unit.Of(random.Next(first, last + 1));
                }

                var allowed = Pool.Where(chars.Matches).ToList();
                Assert.NotEmpty(allowed);
                return Unit.Of(allowed[random.Next(allowed.Count)]);
            default:
                throw new InvalidOperationException("Unexpected element " + element);
        }
    }
}
