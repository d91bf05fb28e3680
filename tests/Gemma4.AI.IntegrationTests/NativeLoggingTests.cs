using System.Collections.Concurrent;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.Native;
using Microsoft.Extensions.Logging;

namespace Gemma4.AI.IntegrationTests;

/// <summary>llama.cpp's log output goes through <see cref="NativeLogging"/>, as whole lines, at mapped levels.</summary>
public sealed class NativeLoggingTests
{
    [Fact]
    public void Load_GeneratedModel_NativeLinesReachListenersAsWholeLines()
    {
        var lines = new ConcurrentQueue<(LogLevel Level, string Line)>();
        using (NativeLogging.AddListener((level, line) => lines.Enqueue((level, line))))
        {
            using var weights = Llama.Load(TestModels.TestModels.Gemma4());
        }

        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.False(l.Line.EndsWith('\n'), l.Line));

        // Like real Gemma 4 files: llama.cpp promotes <|tool_response> to a control token and warns about it.
        Assert.Contains(lines, l => l.Level == LogLevel.Warning && l.Line.Contains("<|tool_response>", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Level == LogLevel.Debug && l.Line.Contains("gemma4", StringComparison.Ordinal));
    }

    [Fact]
    public void ToLogLevel_MapsChattyInfoToDebug()
    {
        Assert.Equal(LogLevel.Trace, NativeLogging.ToLogLevel(LLama.Native.LLamaLogLevel.Debug));
        Assert.Equal(LogLevel.Debug, NativeLogging.ToLogLevel(LLama.Native.LLamaLogLevel.Info));
        Assert.Equal(LogLevel.Warning, NativeLogging.ToLogLevel(LLama.Native.LLamaLogLevel.Warning));
        Assert.Equal(LogLevel.Error, NativeLogging.ToLogLevel(LLama.Native.LLamaLogLevel.Error));
    }
}
