namespace Gemma4.AI;

/// <summary>
/// The most CPU threads a thread option may ask for. llama.cpp starts every thread it is given (10,000 threads made a
/// 4-token request take 40 s instead of 4 ms), and more threads than logical processors only contend for them, so a
/// value beyond a small multiple of the processor count is a mistake, not a tuning choice.
/// </summary>
internal static class ThreadLimit
{
    /// <summary>How many threads per logical processor an option may ask for.</summary>
    public const int PerProcessor = 4;

    /// <summary><see cref="PerProcessor"/> × the logical processors this process may use.</summary>
    public static int Max => PerProcessor * Math.Max(1, Environment.ProcessorCount);

    /// <summary>Whether <paramref name="threads"/> is null (the default) or between 1 and <see cref="Max"/>.</summary>
    public static bool IsValid(int? threads) => threads is null || (threads >= 1 && threads <= Max);

    /// <summary>What a valid value is, for messages.</summary>
    public static string Expected(string nullMeans) =>
        $"between 1 and {Max} ({PerProcessor} × the {Environment.ProcessorCount} logical processors; more only slow llama.cpp down), or null for {nullMeans}";
}
