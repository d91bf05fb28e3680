namespace Gemma4.AI.IntegrationTests.Grammar;

/// <summary>One tiny model for all grammar tests, loaded once; the classes that share it run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class GrammarModelGroup : ICollectionFixture<GrammarModel>
{
    public const string Name = "Grammar model";
}
