using System.Globalization;
using Gemma4.AI;

namespace Gemma4.Samples;

/// <summary>A one-line console progress bar for model loads, downloads and ingestion; plain lines when output is redirected.</summary>
internal sealed class ProgressBar(string label) : IProgress<float>, IProgress<Gemma4DownloadProgress>, IDisposable
{
    private const int Width = 30;
    private int _lastFilled = -1;
    private string _lastDetail = string.Empty;

    public void Report(float value) => Draw(value, string.Empty);

    public void Report(Gemma4DownloadProgress value)
    {
        var detail = value.TotalBytes is { } total
            ? string.Create(CultureInfo.InvariantCulture, $" {Megabytes(value.BytesReceived)} of {Megabytes(total)}")
            : string.Create(CultureInfo.InvariantCulture, $" {Megabytes(value.BytesReceived)}");
        Draw((float)(value.Fraction ?? 0), detail);
    }

    /// <summary>Reports <paramref name="done"/> of <paramref name="total"/> items.</summary>
    public void Report(int done, int total) =>
        Draw(total == 0 ? 1 : (float)done / total, string.Create(CultureInfo.InvariantCulture, $" {done}/{total}"));

    public void Dispose()
    {
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine($"{label}: done{_lastDetail}");
        }
        else
        {
            Console.WriteLine();
        }
    }

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:N1} MB");

    private void Draw(float value, string detail)
    {
        var filled = (int)Math.Round(Math.Clamp(value, 0, 1) * Width);
        if (filled == _lastFilled && detail == _lastDetail)
        {
            return;
        }

        _lastFilled = filled;
        _lastDetail = detail;
        if (!Console.IsOutputRedirected)
        {
            Console.Write($"\r{label} [{new string('#', filled)}{new string('.', Width - filled)}] {value * 100,3:0}%{detail}   ");
        }
    }
}
