using System.ComponentModel;
using Microsoft.SemanticKernel;

namespace Gemma4.Agents.Plugins;

/// <summary>Lists files under one root folder, read-only; paths outside the root are refused.</summary>
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

        if (!Directory.Exists(full))
        {
            return $"error: no folder '{folder}' in the workspace";
        }

        var entries = new DirectoryInfo(full).EnumerateFileSystemInfos()
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .Take(MaxEntries + 1)
            .Select(e => e is DirectoryInfo ? e.Name + "/" : $"{e.Name} ({((FileInfo)e).Length} bytes)")
            .ToList();
        return entries.Count == 0 ? "(empty)" : string.Join("\n", entries.Take(MaxEntries)) + (entries.Count > MaxEntries ? "\n..." : string.Empty);
    }
}
