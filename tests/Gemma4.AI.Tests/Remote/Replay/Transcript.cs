using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gemma4.AI.Tests.Remote.Replay;

/// <summary>
/// One recorded exchange with a serving engine, as documented in Remote/Transcripts/README.md: what the test asks of
/// the remote client (<c>call</c>), what the engine must receive and what it answers (<c>exchanges</c>), and what the
/// client must produce (<c>expect</c>).
/// </summary>
public sealed class Transcript
{
    private Transcript(string path, JsonObject root)
    {
        Path = path;
        Root = root;
    }

    /// <summary>The file, relative to the transcripts folder (the test case's name).</summary>
    public string Path { get; }

    public JsonObject Root { get; }

    public Gemma4RemoteEngine Engine => Enum.Parse<Gemma4RemoteEngine>(Required("engine").GetValue<string>(), ignoreCase: true);

    public JsonObject Client => Root["client"] as JsonObject ?? [];

    public JsonObject Call => (JsonObject)Required("call");

    public IReadOnlyList<JsonObject> Exchanges => [.. ((JsonArray)Required("exchanges")).Select(static e => (JsonObject)e!)];

    public JsonObject Expect => (JsonObject)Required("expect");

    /// <summary>The folder transcripts are copied to next to the test assembly.</summary>
    public static string Folder => System.IO.Path.Combine(AppContext.BaseDirectory, "Remote", "Transcripts");

    /// <summary>Every transcript file under <see cref="Folder"/>, as xUnit theory data (the relative path).</summary>
    public static IEnumerable<object[]> All() =>
        Directory.EnumerateFiles(Folder, "*.json", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(Folder, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Select(static f => new object[] { f });

    public static Transcript Load(string relativePath)
    {
        var full = System.IO.Path.Combine(Folder, relativePath);
        var root = JsonNode.Parse(File.ReadAllText(full), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
            as JsonObject ?? throw new InvalidDataException($"{relativePath}: the transcript must be a JSON object.");
        foreach (var field in (ReadOnlySpan<string>)["engine", "engineVersion", "source", "call", "exchanges", "expect"])
        {
            if (root[field] is null)
            {
                throw new InvalidDataException($"{relativePath}: the transcript needs '{field}' (see Remote/Transcripts/README.md).");
            }
        }

        return new Transcript(relativePath, root);
    }

    /// <summary>The response body bytes of an exchange: <c>body</c> (a string), <c>bodyLines</c> (joined with \n, ending in \n) or <c>bodyFile</c>.</summary>
    public byte[] ResponseBody(JsonObject response)
    {
        if (response["bodyFile"]?.GetValue<string>() is { } file)
        {
            return File.ReadAllBytes(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.Combine(Folder, Path))!, file));
        }

        if (response["bodyLines"] is JsonArray lines)
        {
            return System.Text.Encoding.UTF8.GetBytes(string.Concat(lines.Select(static l => (l is JsonValue v && v.TryGetValue<string>(out var s) ? s : l!.ToJsonString()) + "\n")));
        }

        return response["body"] switch
        {
            null => [],
            JsonValue value when value.TryGetValue<string>(out var text) => System.Text.Encoding.UTF8.GetBytes(text),
            var json => System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()),
        };
    }

    public override string ToString() => Path;

    private JsonNode Required(string name) => Root[name] ?? throw new InvalidDataException($"{Path}: missing '{name}'.");
}
