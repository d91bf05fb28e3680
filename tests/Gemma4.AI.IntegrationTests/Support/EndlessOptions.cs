using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Support;

/// <summary>Options for an answer that never ends on its own (a grammar with no end), for tests of running requests.</summary>
internal static class EndlessOptions
{
    public static ChatOptions Create() => new()
    {
        Temperature = 0,
        MaxOutputTokens = 1_000_000,
        RawRepresentationFactory = _ => new Gemma4GenerationOptions { Grammar = "root ::= [a-z] root" },
    };
}
