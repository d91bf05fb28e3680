using System.Globalization;
using Microsoft.Extensions.AI;

namespace Gemma4.Chat;

/// <summary>
/// Images and audio clips attached with <c>/image FILE</c> and <c>/audio FILE</c>: they go with the next message, in
/// the order attached. The library checks and decodes them; here a file only has to exist.
/// </summary>
internal sealed class Attachments
{
    private readonly List<DataContent> _pending = [];

    public const string Help = "/image FILE and /audio FILE attach a picture or a sound clip to your next message (several allowed).";

    /// <summary>Handles a <c>/image</c> or <c>/audio</c> line; false when <paramref name="line"/> is not one.</summary>
    public bool TryAttach(string line, TextWriter output)
    {
        var kind = line.StartsWith("/image", StringComparison.Ordinal) ? "image" : line.StartsWith("/audio", StringComparison.Ordinal) ? "audio" : null;
        if (kind is null || (line.Length > kind.Length + 1 && line[kind.Length + 1] != ' '))
        {
            return false;
        }

        var path = line[(kind.Length + 1)..].Trim().Trim('"');
        if (path.Length == 0)
        {
            output.Write($"[usage: /{kind} FILE]");
            return true;
        }

        if (!File.Exists(path))
        {
            output.Write($"[no such file: {path}]");
            return true;
        }

        var bytes = File.ReadAllBytes(path);
        var mediaType = MediaTypeOf(path, kind);
        _pending.Add(new DataContent(bytes, mediaType) { Name = Path.GetFileName(path) });
        output.Write(string.Create(CultureInfo.InvariantCulture,
            $"[attached {Path.GetFileName(path)} ({mediaType}, {bytes.Length / 1024.0:0.#} KB); it goes with your next message]"));
        return true;
    }

    /// <summary>The next user message: the attachments in order, then the text; the attachments are taken.</summary>
    public ChatMessage TakeMessage(string text)
    {
        List<AIContent> contents = [.. _pending, new TextContent(text)];
        _pending.Clear();
        return new ChatMessage(ChatRole.User, contents);
    }

    // By extension; an unknown one is passed on as image/EXT or audio/EXT, and the library says whether it reads it.
    private static string MediaTypeOf(string path, string kind) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".bmp" => "image/bmp",
        ".gif" => "image/gif",
        ".wav" => "audio/wav",
        ".mp3" => "audio/mpeg",
        ".flac" => "audio/flac",
        var ext => $"{kind}/{(ext.Length > 1 ? ext[1..] : "octet-stream")}",
    };
}
