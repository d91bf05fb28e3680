using System.Text.RegularExpressions;

namespace Gemma4.AI.Download;

/// <summary>Checks repository and file names and maps them to URLs and cache paths that cannot escape the cache.</summary>
internal static partial class ModelFileNames
{
    public static void Validate(Gemma4ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Repository is null || !RepositoryPattern().IsMatch(file.Repository))
        {
            throw new ArgumentException($"'{file.Repository}' is not a Hugging Face repository name of the form owner/name.", nameof(file));
        }

        if (string.IsNullOrWhiteSpace(file.FileName) || file.FileName.Contains('\\', StringComparison.Ordinal) || file.FileName.StartsWith('/')
            || file.FileName.Split('/').Any(static s => s.Length == 0 || s is "." or ".." || s.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0))
        {
            throw new ArgumentException($"'{file.FileName}' is not a file path inside a repository (use '/' between folders; no '..').", nameof(file));
        }

        if (string.IsNullOrWhiteSpace(file.Revision) || file.Revision.Split('/').Any(static s => s.Length == 0 || s is "." or ".."))
        {
            throw new ArgumentException($"'{file.Revision}' is not a branch, tag or commit name.", nameof(file));
        }

        if (file.Sha256 is { } sha && !Sha256Pattern().IsMatch(sha))
        {
            throw new ArgumentException($"The SHA-256 of {file.FileName} must be 64 hexadecimal digits; got '{sha}'.", nameof(file));
        }
    }

    public static Uri DownloadUri(Uri baseAddress, Gemma4ModelFile file)
    {
        var root = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        var relative = $"{file.Repository}/resolve/{Uri.EscapeDataString(file.Revision)}/{string.Join('/', file.FileName.Split('/').Select(Uri.EscapeDataString))}";
        return new Uri(root, relative);
    }

    /// <summary><c>{cache}/{owner}/{name}/{revision}/{file}</c>; a revision with slashes (refs/pr/1) becomes one folder.</summary>
    public static string CachePath(string cacheDirectory, Gemma4ModelFile file)
    {
        var parts = new List<string> { cacheDirectory };
        parts.AddRange(file.Repository.Split('/'));
        parts.Add(file.Revision.Replace('/', '~'));
        parts.AddRange(file.FileName.Split('/'));
        return Path.GetFullPath(Path.Combine([.. parts]));
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();
}
