namespace Gemma4.AI.Gguf;

/// <summary>Reads the header of a GGUF file a preflight checks, turning every way it can fail into a load exception.</summary>
internal static class GgufPreflightFile
{
    /// <summary>Reads <paramref name="path"/>'s header; <paramref name="noun"/> names the kind of file in messages ("LoRA adapter").</summary>
    /// <exception cref="Gemma4ModelLoadException">The path is a directory, missing, unreadable or not a GGUF file.</exception>
    public static GgufFile Read(string path, string noun)
    {
        if (Directory.Exists(path))
        {
            throw new Gemma4ModelLoadException(path, $"is a directory, not a {noun} GGUF file");
        }

        if (!File.Exists(path))
        {
            throw new Gemma4ModelLoadException(path, $"{noun} file not found");
        }

        try
        {
            return GgufReader.Read(path);
        }
        catch (GgufFormatException e)
        {
            throw new Gemma4ModelLoadException(path, $"not a readable {noun}: " + e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Gemma4ModelLoadException(path, $"cannot read the {noun} file: " + e.Message, e);
        }
    }
}
