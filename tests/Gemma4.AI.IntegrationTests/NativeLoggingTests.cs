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

        // Like real Gemma 4 files (llama.cpp's converter writes it user-defined): llama.cpp promotes <|tool_response> to a
        // control token and warns; that is expected of every Gemma 4 file, so it is not a Warning here.
        Assert.Contains(lines, l => l.Level == LogLevel.Debug && l.Line.Contains("control-looking token", StringComparison.Ordinal) && l.Line.Contains("<|tool_response>", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Level >= LogLevel.Warning);
        Assert.Contains(lines, l => l.Level == LogLevel.Debug && l.Line.Contains("gemma4", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("load: control-looking token:     18 '<|tool_response>' was not control-type; this is probably a bug in the model. its type will be overridden", true)]
    [InlineData("llama_kv_cache_iswa: using full-size SWA cache (ref: https://github.com/ggml-org/llama.cpp/pull/13194#issuecomment-2868343055)", true)]
    [InlineData("init_audio: audio input is in experimental stage and may have reduced quality:\n    https://github.com/ggml-org/llama.cpp/discussions/13759", true)]
    [InlineData("load: control-looking token:    107 '<end_of_turn>' was not control-type; this is probably a bug in the model. its type will be overridden", false)]
    [InlineData("llama_model_load: error loading model: missing tensor 'blk.0.attn_q.weight'", false)]
    public void IsExpectedWarning_OnlyTheWarningsEveryGemma4LoadPrints(string line, bool expected)
    {
        Assert.Equal(expected, NativeLogging.IsExpectedWarning(line));
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
