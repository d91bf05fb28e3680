namespace Gemma4.AI.Fuzz;

/// <summary>
/// One parser under fuzzing: what it does with an input, the exceptions that are its documented way of refusing one
/// (anything else is a crash), and the seed files it starts from.
/// </summary>
internal sealed record FuzzTarget(string Name, Action<Stream> Parse, IReadOnlyList<Type> Refusals, Action<string> WriteSeeds)
{
    /// <summary>Runs one input; true when accepted, false when refused as documented; any other exception propagates.</summary>
    public bool Execute(byte[] input)
    {
        try
        {
            Parse(new MemoryStream(input, writable: false));
            return true;
        }
        catch (Exception e) when (Refusals.Any(t => t.IsInstanceOfType(e)))
        {
            return false;
        }
    }
}
