using System.Text.Json;

namespace Gemma4.AI.Tests.Grammar.Support;

internal static class Schemas
{
    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
