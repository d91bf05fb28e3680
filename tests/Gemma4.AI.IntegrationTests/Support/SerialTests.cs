namespace Gemma4.AI.IntegrationTests.Support;

/// <summary>Tests that measure the whole process (memory, handles) run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTests
{
    public const string Name = "Serial (process-wide measurements)";
}
