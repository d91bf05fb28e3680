using Gemma4.AI.Tests.Remote.Replay;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Gemma4.AI.Tests.Remote;

/// <summary>An engine without its Gemma 4 parsers leaks markup into content: parsed, and logged once as a misconfiguration.</summary>
public sealed class LeakedMarkupWarningTests
{
    [Fact]
    public async Task GetStreamingResponseAsync_MarkupInContent_WarnsOnceWithTheEnginesFix()
    {
        var transcript = Transcript.Load("vllm/leaked-markup-without-parsers.json");
        var logger = new Warnings();

        for (var i = 0; i < 2; i++)
        {
            await using var server = await ReplayServer.StartAsync(transcript);
            using var client = new Gemma4RemoteChatClient(
                new Gemma4RemoteOptions { Engine = Gemma4RemoteEngine.Vllm, Endpoint = server.BaseAddress, Model = "google/gemma-4-31B-it" }, logger: logger);
            var updates = new List<ChatResponseUpdate>();
            await foreach (var update in client.GetStreamingResponseAsync("Hi"))
            {
                updates.Add(update);
            }

            Assert.Contains(updates.SelectMany(u => u.Contents), c => c is FunctionCallContent);
            Assert.Equal(i + 1, logger.Messages.Count); // once per client: each loop iteration builds a new one
        }

        Assert.All(logger.Messages, m => Assert.Contains("--reasoning-parser gemma4 --tool-call-parser gemma4", m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetResponseAsync_PlainContent_DoesNotWarn()
    {
        var transcript = Transcript.Load("vllm/thinking-off-nonstreaming.json");
        var logger = new Warnings();
        await using var server = await ReplayServer.StartAsync(transcript);
        using var client = new Gemma4RemoteChatClient(
            new Gemma4RemoteOptions { Engine = Gemma4RemoteEngine.Vllm, Endpoint = server.BaseAddress, Model = "google/gemma-4-31B-it" }, logger: logger);

        await client.GetResponseAsync(TranscriptCall.Messages(transcript.Call), TranscriptCall.Options(transcript.Call));

        Assert.Empty(logger.Messages);
    }

    private sealed class Warnings : ILogger<Gemma4RemoteChatClient>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                Messages.Add(formatter(state, exception));
            }
        }
    }
}
