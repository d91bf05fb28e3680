namespace Gemma4.Chat;

/// <summary>Ctrl+C cancels the answer being streamed instead of killing the program.</summary>
internal sealed class AnswerCancellation : IDisposable
{
    private CancellationTokenSource _current = new();

    public AnswerCancellation() => Console.CancelKeyPress += OnCancel;

    public CancellationToken Next()
    {
        if (_current.IsCancellationRequested)
        {
            _current.Dispose();
            _current = new CancellationTokenSource();
        }

        return _current.Token;
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _current.Dispose();
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        _current.Cancel();
    }
}
