using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gemma4.AI.Native;

/// <summary>
/// The one place that routes llama.cpp's log output. The callback is process-wide and must be registered before
/// the first native call (LLamaSharp then installs it when it loads the library), so every path into native code
/// calls <see cref="EnsureConfigured"/> first. Messages go to <see cref="Logger"/> (silent by default) and to any
/// listeners added with <see cref="AddListener"/>.
/// </summary>
/// <remarks>
/// Levels: llama.cpp DEBUG becomes Trace and INFO becomes Debug (INFO lists every tensor and key on load, which
/// is far too chatty for Information); WARN and ERROR keep their level, except the warnings every correct Gemma 4
/// load prints (<see cref="IsExpectedWarning"/>), which are Debug. Partial lines (llama.cpp's CONT level) are joined
/// per thread and logged once the newline arrives.
/// </remarks>
internal static partial class NativeLogging
{
    private static readonly Lock Gate = new();
    private static readonly ThreadLocal<LineBuffer> Lines = new(() => new LineBuffer());
    private static Action<LogLevel, string>[] _listeners = [];
    private static ILogger _logger = NullLogger.Instance;
    private static bool _configured;
    private static bool _mtmdConfigured;

    // Kept in a field so the delegate handed to native code is never collected.
    private static readonly NativeLogConfig.LLamaLogCallback Callback = OnNativeLog;

    /// <summary>Where native log lines go; <see cref="NullLogger"/> until someone sets it.</summary>
    public static ILogger Logger
    {
        get => Volatile.Read(ref _logger);
        set => Volatile.Write(ref _logger, value ?? NullLogger.Instance);
    }

    /// <summary>Registers the process-wide callback once. Safe to call many times, from any thread.</summary>
    public static void EnsureConfigured()
    {
        if (Volatile.Read(ref _configured))
        {
            return;
        }

        lock (Gate)
        {
            if (_configured)
            {
                return;
            }

            // Before the library loads this only records the callback (LLamaSharp installs it at load time);
            // after, it goes straight to llama_log_set.
            NativeLogConfig.llama_log_set(Callback);
            Volatile.Write(ref _configured, true);
        }
    }

    /// <summary>
    /// Routes libmtmd's log (the projector loader, image and audio preprocessing, encodes) here too: mtmd and its helpers
    /// keep their own process-wide callbacks and otherwise print to stderr, bypassing llama.cpp's log callback.
    /// </summary>
    public static unsafe void EnsureMtmdConfigured()
    {
        EnsureConfigured();
        if (Volatile.Read(ref _mtmdConfigured))
        {
            return;
        }

        lock (Gate)
        {
            if (_mtmdConfigured)
            {
                return;
            }

            MtmdNative.LogSet(&OnMtmdLog, IntPtr.Zero);
            MtmdNative.HelperLogSet(&OnMtmdLog, IntPtr.Zero);
            Volatile.Write(ref _mtmdConfigured, true);
        }
    }

    /// <summary>Adds a listener that sees every complete native log line; dispose the result to remove it.</summary>
    public static IDisposable AddListener(Action<LogLevel, string> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        EnsureConfigured();
        lock (Gate)
        {
            _listeners = [.. _listeners, listener];
        }

        return new Subscription(listener);
    }

    internal static LogLevel ToLogLevel(LLamaLogLevel level) => level switch
    {
        LLamaLogLevel.Debug => LogLevel.Trace,
        LLamaLogLevel.Info => LogLevel.Debug,
        LLamaLogLevel.Warning => LogLevel.Warning,
        LLamaLogLevel.Error => LogLevel.Error,
        _ => LogLevel.Debug,
    };

    // ggml_log_level and LLamaLogLevel share their values (none, debug, info, warn, error, cont).
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void OnMtmdLog(int level, byte* text, IntPtr userData)
    {
        try
        {
            OnNativeLog((LLamaLogLevel)level, Marshal.PtrToStringUTF8((IntPtr)text) ?? string.Empty);
        }
#pragma warning disable CA1031 // A native callback must swallow everything: an exception here would crash the process.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static void OnNativeLog(LLamaLogLevel level, string message)
    {
        // Never let an exception escape into native code.
        try
        {
            var buffer = Lines.Value!;
            if (level != LLamaLogLevel.Continue)
            {
                buffer.Level = level;
            }

            buffer.Text.Append(message);
            if (!message.EndsWith('\n'))
            {
                return;
            }

            var line = buffer.Text.ToString(0, buffer.Text.Length - 1);
            buffer.Text.Clear();
            var mapped = ToLogLevel(buffer.Level);
            Publish(mapped == LogLevel.Warning && IsExpectedWarning(line) ? LogLevel.Debug : mapped, line);
        }
#pragma warning disable CA1031 // A native callback must swallow everything: an exception here would crash the process.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>
    /// Warnings that say nothing is wrong with a Gemma 4 load, so they must not alarm anyone at Warning level:
    /// <list type="bullet">
    /// <item>"control-looking token ... '&lt;|tool_response&gt;' was not control-type; this is probably a bug in the model":
    /// Google's tokenizer marks it special, but llama.cpp's own Gemma 4 converter writes it user-defined (so the chat
    /// parser sees it) and its loader then promotes it to control as an end-of-generation token. Every Gemma 4 GGUF
    /// (and our generated ones, which copy the converter's types) prints it.</item>
    /// <item>"using full-size SWA cache": <see cref="Gemma4ModelOptions.SwaFull"/> is true by default, deliberately
    /// (any cached prefix can be resumed).</item>
    /// <item>"audio input is in experimental stage and may have reduced quality": mtmd prints it at every load of an audio
    /// encoder; docs/multimodal.md says so once.</item>
    /// </list>
    /// </summary>
    internal static bool IsExpectedWarning(string line) =>
        (line.Contains("control-looking token", StringComparison.Ordinal) && line.Contains("'<|tool_response>'", StringComparison.Ordinal))
        || line.Contains("using full-size SWA cache", StringComparison.Ordinal)
        || line.Contains("audio input is in experimental stage", StringComparison.Ordinal);

    private static void Publish(LogLevel level, string line)
    {
        var logger = Logger;
        if (logger.IsEnabled(level))
        {
            LogLine(logger, level, line);
        }

        foreach (var listener in Volatile.Read(ref _listeners))
        {
            listener(level, line);
        }
    }

    [LoggerMessage(EventId = 1, EventName = "LlamaCpp", Message = "llama.cpp: {Message}")]
    private static partial void LogLine(ILogger logger, LogLevel level, string message);

    private sealed class LineBuffer
    {
        public StringBuilder Text { get; } = new();

        public LLamaLogLevel Level { get; set; } = LLamaLogLevel.Info;
    }

    private sealed class Subscription(Action<LogLevel, string> listener) : IDisposable
    {
        public void Dispose()
        {
            lock (Gate)
            {
                _listeners = [.. _listeners.Where(l => l != listener)];
            }
        }
    }
}
