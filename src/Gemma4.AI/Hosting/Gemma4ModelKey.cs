using System.Text.Json;

namespace Gemma4.AI.Hosting;

/// <summary>The identity of a loaded model: registrations whose keys are equal share one <see cref="Gemma4Model"/>.</summary>
internal static class Gemma4ModelKey
{
    /// <summary>The normalised file path plus every load setting.</summary>
    /// <remarks>
    /// Every setting takes part, serialised as JSON, so settings added to <see cref="Gemma4ModelOptions"/> later can
    /// never let two registrations share a model loaded differently from what one of them asked for.
    /// </remarks>
    public static string From(Gemma4ModelOptions options)
    {
        var normalised = options.Clone();
        normalised.ModelPath = NormalisePath(options.ModelPath);
        return JsonSerializer.Serialize(normalised);
    }

    /// <summary>The absolute path with links resolved; upper-cased on Windows, whose file names ignore case.</summary>
    public static string NormalisePath(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            full = File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            // Missing or unreadable: keep the plain path; loading reports the real problem.
        }

        return OperatingSystem.IsWindows() ? full.ToUpperInvariant() : full;
    }
}
