using System.Globalization;
using Gemma4.AI.Grammar;
using Gemma4.AI.Tests.Grammar.Support;

namespace Gemma4.AI.Tests.Grammar;

public sealed class NumericRangesTests
{
    public static TheoryData<long?, long?> IntegerBounds => new()
    {
        { 0, 9 }, { 1, 1 }, { 0, 0 }, { 5, 123 }, { 10, 99 }, { 17, 1234 }, { -50, 50 }, { -120, -7 }, { -3, 0 },
        { 0, null }, { 42, null }, { -17, null }, { null, 0 }, { null, 99 }, { null, -5 }, { 999, 1001 }, { 100, 100 },
    };

    [Theory]
    [MemberData(nameof(IntegerBounds))]
    public void Integer_Bounds_AcceptsExactlyTheIntegersWithin(long? min, long? max)
    {
        var grammar = GbnfRecognizer.Parse("root ::= " + NumericRanges.Integer(min, max));
        for (var i = -1500; i <= 1500; i++)
        {
            var inside = (min is null || i >= min) && (max is null || i <= max);
            Assert.True(inside == grammar.Accepts(i.ToString(CultureInfo.InvariantCulture)), $"{i} in [{min}, {max}]");
        }

        Assert.False(grammar.Accepts("007"));
        Assert.False(grammar.Accepts("-0"));
        Assert.False(grammar.Accepts("+1"));
        Assert.False(grammar.Accepts("1.0"));
    }

    [Fact]
    public void Integer_Unbounded_StopsAtSixteenDigits()
    {
        var grammar = GbnfRecognizer.Parse("root ::= " + NumericRanges.Integer(0, null));

        Assert.True(grammar.Accepts(new string('9', 16)));
        Assert.False(grammar.Accepts(new string('9', 17)));
    }

    [Fact]
    public void Integer_LargeBounds_AreExact()
    {
        var grammar = GbnfRecognizer.Parse("root ::= " + NumericRanges.Integer(-9_007_199_254_740_991, 9_007_199_254_740_991));

        Assert.True(grammar.Accepts("9007199254740991"));
        Assert.False(grammar.Accepts("9007199254740992"));
        Assert.True(grammar.Accepts("-9007199254740991"));
        Assert.False(grammar.Accepts("-9007199254740992"));
    }

    [Theory]
    [InlineData(0L, 1L, "0|0.5|1|1.0|0.999", "-0.1|1.01|2|1e0")]
    [InlineData(0L, 100L, "0|57.25|100|100.000", "100.5|101|-1")]
    [InlineData(-5L, 5L, "-5|-4.99|0|-0|5.0|3.14159", "-5.01|5.5|-6")]
    [InlineData(-10L, -2L, "-10|-2|-2.0|-9.99", "-1.5|-10.5|0|2")]
    [InlineData(3L, null, "3|3.5|99999", "2.99|-3")]
    [InlineData(null, -3L, "-3|-3.5|-99999", "-2.5|3")]
    public void Decimal_IntegerBounds_AcceptsWithinOnly(long? min, long? max, string accepted, string rejected)
    {
        var grammar = GbnfRecognizer.Parse("root ::= " + NumericRanges.Decimal(min, max));

        Assert.All(accepted.Split('|'), s => Assert.True(grammar.Accepts(s), s));
        Assert.All(rejected.Split('|'), s => Assert.False(grammar.Accepts(s), s));
    }

    [Fact]
    public void Integer_MinAboveMax_Throws() => Assert.Throws<ArgumentException>(() => NumericRanges.Integer(5, 4));
}
