namespace Gemma4.Agents;

/// <summary>
/// The folder the files tool lists when no --folder is given: a few sample files in a fresh temporary folder, so the
/// model never sees (and the console never prints) whatever happens to be in the current directory, such as a
/// repository root with its .git folder.
/// </summary>
internal sealed class SampleWorkspace : IDisposable
{
    private SampleWorkspace(string path) => Path = path;

    public string Path { get; }

    public static SampleWorkspace Create()
    {
        var directory = Directory.CreateTempSubdirectory("gemma4-agents-workspace-").FullName;
        File.WriteAllText(System.IO.Path.Combine(directory, "notes.md"), "# Trip\nPack a rain jacket for Oslo.\n");
        File.WriteAllText(System.IO.Path.Combine(directory, "budget.csv"), "item,cost\nflight,240\nhotel,310\n");
        Directory.CreateDirectory(System.IO.Path.Combine(directory, "photos"));
        File.WriteAllText(System.IO.Path.Combine(directory, "photos", "README.txt"), "Holiday photos go here.\n");
        return new SampleWorkspace(directory);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
