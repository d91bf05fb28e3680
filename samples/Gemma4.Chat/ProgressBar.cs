namespace Gemma4.Chat;

/// <summary>A one-line console progress bar for model loading.</summary>
internal sealed class ProgressBar(string label) : IProgress<float>, IDisposable
{
    private const int Width = 30;
    private int _lastFilled = -1;

    public void Report(float value)
    {
        var filled = (int)Math.Round(Math.Clamp(value, 0, 1) * Width);
        if (filled == _lastFilled)
        {
            return;
        }

        _lastFilled = filled;
        if (!Console.IsOutputRedirected)
        {
            Console.Write($"\r{label} [{new string('#', filled)}{new string('.', Width - filled)}] {value * 100,3:0}%");
        }
    }

    public void Dispose()
    {
        if (!Console.IsOutputRedirected)
        {
            Console.WriteLine();
        }
        else
        {
            Console.WriteLine($"{label}: done");
        }
    }
}
