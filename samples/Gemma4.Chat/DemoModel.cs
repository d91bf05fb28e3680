using Gemma4.AI.TestModels;

namespace Gemma4.Chat;

/// <summary>Generates (once, cached) the tiny random-weight Gemma 4 model, projector and picture used by --demo.</summary>
internal static class DemoModel
{
    public static string Create() => TestModels.Gemma4();

    /// <summary>A random-weight projector with a vision and an audio encoder for <see cref="Create"/>'s model.</summary>
    public static string Projector() => TestModels.Projector();

    /// <summary>Writes a generated 320 x 240 picture into a folder of its own under the temp folder; returns its path.</summary>
    public static string Picture()
    {
        var path = Path.Combine(Path.GetTempPath(), "gemma4-chat-demo", "picture.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, TestMedia.Png(320, 240));
        return path;
    }
}
