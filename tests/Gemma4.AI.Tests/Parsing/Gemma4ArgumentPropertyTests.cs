using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gemma4.AI.Parsing;
using Microsoft.Extensions.AI;
using static Gemma4.AI.Tests.Parsing.ParserHarness;

namespace Gemma4.AI.Tests.Parsing;

/// <summary>Random argument trees written in Gemma syntax by the test-side writer read back as the same JSON.</summary>
public sealed class Gemma4ArgumentPropertyTests
{
    [Property(MaxTest = 500)]
    public Property Parse_WrittenArguments_ReadBackAsTheSameValues() =>
        Prop.ForAll(GemmaGenerators.Call().ToArbitrary(), call =>
        {
            var (name, arguments) = call;
            var parsed = Assert.IsType<FunctionCallContent>(Assert.Single(Gemma4OutputParser.Parse(GemmaSyntaxWriter.Call(name, arguments))));
            AssertArguments(name, arguments, parsed);
        });

    [Property(MaxTest = 200)]
    public Property Parse_QuotedKeys_ReadBackAsTheSameValues() =>
        Prop.ForAll(GemmaGenerators.Call().ToArbitrary(), call =>
        {
            var (name, arguments) = call;
            var parsed = Assert.IsType<FunctionCallContent>(Assert.Single(Gemma4OutputParser.Parse(GemmaSyntaxWriter.Call(name, arguments, quoteKeys: true))));
            AssertArguments(name, arguments, parsed);
        });

    [Property(MaxTest = 200)]
    public Property Append_WrittenCallsInRandomPieces_ReadBackAsTheSameValues() =>
        Prop.ForAll(GemmaGenerators.Call().ToArbitrary(), Gen.Choose(1, 1000).ToArbitrary(), (call, seed) =>
        {
            var (name, arguments) = call;
            var text = "Calling." + GemmaSyntaxWriter.Call(name, arguments) + GemmaSyntaxWriter.Call(name, arguments) + "<|tool_response>";
            var contents = ParsePieces(text, RandomCuts(new Random(seed), text.Length, maxPiece: 8));
            Assert.Equal("Calling.", Text(contents));
            var calls = Calls(contents);
            Assert.Equal(2, calls.Count);
            AssertArguments(name, arguments, calls[0]);
            AssertArguments(name, arguments, calls[1]);
        });

    [Property(MaxTest = 300)]
    public Property Append_ReasoningAndAnswer_AreKeptExactly() =>
        Prop.ForAll(GemmaGenerators.MarkerFreeText().ToArbitrary(), GemmaGenerators.MarkerFreeText().ToArbitrary(), Gen.Choose(1, 1000).ToArbitrary(), (reasoning, answer, seed) =>
        {
            var text = "<|channel>thought\n" + reasoning + "\n<channel|>" + answer;
            var whole = Gemma4OutputParser.Parse(text);
            var pieces = ParsePieces(text, RandomCuts(new Random(seed), text.Length, maxPiece: 5));
            foreach (var contents in new[] { whole, pieces })
            {
                Assert.Equal(reasoning, Reasoning(contents));
                Assert.Equal(answer, Text(contents));
                Assert.Empty(Calls(contents));
            }
        });

    [Property(MaxTest = 1000)]
    public Property PythonRepr_RoundTrips(double value) =>
        (!double.IsFinite(value) || double.Parse(GemmaSyntaxWriter.PythonRepr(value), System.Globalization.CultureInfo.InvariantCulture).Equals(value)).ToProperty();

    private static void AssertArguments(string name, IReadOnlyList<KeyValuePair<string, GemmaValue>> expected, FunctionCallContent actual)
    {
        Assert.Null(actual.Exception);
        Assert.Equal(name, actual.Name);
        GemmaValue.AssertEqual(
            new GemmaValue.Object(expected),
            System.Text.Json.JsonSerializer.SerializeToElement(actual.Arguments));
    }
}

/// <summary>FsCheck generators for argument trees, keys, strings and text.</summary>
internal static class GemmaGenerators
{
    // Pieces that stress the reader: structure, quotes, escapes, whitespace, marker text, non-ASCII and emoji.
    private static readonly string[] Tricky =
    [
        "{", "}", "[", "]", ":", ",", "\"", "'", "\\", "\\n", "\n", "\r\n", "\t", " ", "<", ">", "|", "<|", "|>", "<|\"", "\"|>",
        "<tool_call|>", "<|tool_call>", "<turn|>", "<|turn>", "<|channel>", "<channel|>", "<|tool_response>", "<eos>",
        "call:", "null", "true", "1e-05", "é", "ß", "中文", "👋🏽", "𝔘", "\u200b", "\u0000",

        // The parser's internal escape character, alone and in the pairs it uses: the model may write them too.
        "\ufdd0", "\ufdd0a", "\ufdd0b", "\ufdd0<", "<\ufdd0", "\ufdd0\ufdd0",
    ];

    private static readonly string[] Markers =
    [
        "<|channel>", "<channel|>", "<|tool_call>", "<tool_call|>", "<|\"|>", "<|tool_response>", "<tool_response|>",
        "<turn|>", "<|turn>", "<eos>", "<bos>", "<pad>", "<|tool>", "<tool|>", "<|think|>", "<|image|>", "<|audio|>",
        "<|video|>", "<|image>", "<image|>", "<|audio>", "<audio|>",
    ];

    private const string KeyChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.$@éжλ中";

    public static Gen<(string Name, IReadOnlyList<KeyValuePair<string, GemmaValue>> Arguments)> Call() =>
        from name in Gen.Elements("get_weather", "f", "search.web", "ns:tool", "Write-File", "call")
        from members in Gen.Sized(size => Members(Math.Min(size, 30)))
        select (name, members);

    /// <summary>A string with arbitrary Unicode scalars, never containing the quote token.</summary>
    public static Gen<string> StringValue() =>
        Gen.Frequency(
                (3, Gen.Elements(Tricky)),
                (5, Gen.Choose(0x20, 0x7e).Select(c => ((char)c).ToString())),
                (1, Gen.Choose(0, 0xffff).Where(c => c is < 0xd800 or > 0xdfff).Select(c => ((char)c).ToString())),
                (1, Gen.Choose(0, 0x10ffff).Where(c => c is < 0xd800 or > 0xdfff).Select(char.ConvertFromUtf32)))
            .ListOf()
            .Select(parts => RemoveAll(string.Concat(parts), GemmaSyntaxWriter.Quote));

    /// <summary>Text without any complete control marker.</summary>
    public static Gen<string> MarkerFreeText() =>
        StringValue().Select(text =>
        {
            string before;
            do
            {
                before = text;
                foreach (var marker in Markers)
                {
                    text = text.Replace(marker, string.Empty, StringComparison.Ordinal);
                }
            }
            while (text != before);
            return text;
        });

    private static Gen<string> Key() =>
        Gen.Elements(KeyChars.ToCharArray())
            .NonEmptyListOf()
            .Select(chars => new string([.. chars]))
            .Select(key => key.Length > 3 ? key[..2] + " " + key[2..] : key); // an inner space is a legal bare key

    private static Gen<IReadOnlyList<KeyValuePair<string, GemmaValue>>> Members(int size) =>
        Gen.Choose(0, Math.Min(6, size + 1)).SelectMany(count =>
            Gen.Zip(Key(), Value(size / 2)).ListOf(count).Select(pairs =>
                (IReadOnlyList<KeyValuePair<string, GemmaValue>>)pairs
                    .DistinctBy(p => p.Item1, StringComparer.Ordinal)
                    .Select(p => KeyValuePair.Create(p.Item1, p.Item2))
                    .ToList()));

    private static Gen<GemmaValue> Value(int size)
    {
        var leaf = Gen.OneOf(
            StringValue().Select(s => (GemmaValue)new GemmaValue.Str(s)),
            Gen.Choose(int.MinValue, int.MaxValue).Select(i => (GemmaValue)new GemmaValue.Int(i)),
            Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue))
                .Select(p => (GemmaValue)new GemmaValue.Int(((long)p.Item1 << 32) ^ (uint)p.Item2)),
            Double().Select(d => (GemmaValue)new GemmaValue.Float(d)),
            Gen.Elements(true, false).Select(b => (GemmaValue)new GemmaValue.Bool(b)),
            Gen.Constant((GemmaValue)new GemmaValue.Null()));
        if (size <= 0)
        {
            return leaf;
        }

        return Gen.Frequency(
            (4, leaf),
            (1, Gen.Choose(0, 5).SelectMany(n => Value(size / 2).ListOf(n)).Select(items => (GemmaValue)new GemmaValue.Array(items))),
            (1, Members(size / 2).Select(members => (GemmaValue)new GemmaValue.Object(members))));
    }

    private static Gen<double> Double() =>
        Gen.OneOf(
            Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue))
                .Select(p => BitConverter.Int64BitsToDouble(((long)p.Item1 << 32) ^ (uint)p.Item2))
                .Where(double.IsFinite),
            Gen.Choose(-100_000, 100_000).Select(i => i / 100.0),
            Gen.Choose(-1000, 1000).Select(i => (double)i),
            Gen.Elements(0.0, -0.0, 1e-05, 0.0001, 1.5e+20, 1e16, 1e15, 123456789012345.6, double.Epsilon, double.MaxValue, -double.MaxValue));

    private static string RemoveAll(string text, string value)
    {
        while (text.Contains(value, StringComparison.Ordinal))
        {
            text = text.Replace(value, string.Empty, StringComparison.Ordinal);
        }

        return text;
    }
}
