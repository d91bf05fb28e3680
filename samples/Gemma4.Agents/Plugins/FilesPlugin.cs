using System.ComponentModel;
using Microsoft.SemanticKernel;

namespace Gemma4.Agents.Plugins;

/// <summary>Lists files under one root folder, read-only; paths outside the root and hidden entries (.git, .env) are not shown.</summary>
internal sealed class FilesPlugin(string root)
{
    private const int MaxEntries = 50;

    [KernelFunction("list_files"), Description("Lists the files and folders in a folder of the user's workspace.")]
    public string ListFiles([Description("A folder relative to the workspace root; empty for the root")] string folder = "")
    {
        var full = Path.GetFullPath(Path.Combine(root, folder ?? string.Empty));
        var rootWithSlash = Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar;
        if (full != Path.TrimEndingDirectorySeparator(root) && !full.StartsWith(rootWithSlash, StringComparison.Ordinal))
        {
            return "error: that folder is outside the workspace";
        }

        var relative = Path.GetRelativePath(root, full);
        if (relative != "." && relative.Split(Path.DirectorySeparatorChar).Any(IsHidden))
        {
            return "error: hidden folders are not listed";
        }

        if (!Directory.Exists(full))
        {
            return $"error: no folder '{folder}' in the workspace";
        }

        var entries = new DirectoryInfo(full).EnumerateFileSystemInfos()
            .Where(e => !IsHidden(e.Name) && !e.Attributes.HasFlag(FileAttributes.Hidden))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .Take(MaxEntries + 1)
            .Select(e => e is DirectoryInfo ? e.Name + "/" : $"{e.Name} ({((FileInfo)e).Length} bytes)")
            .ToList();
        return entries.Count == 0 ? "(empty)" : string.Join("\n", entries.Take(MaxEntries)) + (entries.Count > MaxEntries ? "\n..." : string.Empty);
    }

    // Dot-names hold version control, secrets and tool state (.git, .env, .vs): not the user's documents.
    private static bool IsHidden(string name) => name.StartsWith('.') && name is not ("." or "..");
}
