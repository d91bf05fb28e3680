using Gemma4.AI.Chat;
using Gemma4.AI.Formatting;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>Back-pressure and context overflow: clear answers instead of unbounded queues or native errors.</summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task FullQueue_WithThrow_RejectsAtOnce_AndAcceptsAgainWhenFree()
    {
        var options = TinyChatModel.Options(TestModels.TestModels.Gemma4());
        options.MaxParallelSequences = 1;
        options.MaxQueuedRequests = 0;
        options.QueueFullBehavior = Gemma4QueueFullBehavior.Throw;
        using var model = await Gemma4Model.LoadAsync(options);
        using var client = new Gemma4ChatClient(model);

        await using var running = client.GetStreamingResponseAsync("go on", EndlessOptions.Create()).GetAsyncEnumerator();
        Assert.True(await running.MoveNextAsync());

        var ex = await Assert.ThrowsAsync<Gemma4QueueFullException>(() => client.GetResponseAsync("me too"));
        Assert.Equal(1, ex.Capacity);

        await running.DisposeAsync(); // abandoning the stream frees its place
        var later = await client.GetResponseAsync("now", new ChatOptions { Temperature = 0, MaxOutputTokens = 2 });
        Assert.Equal(2, later.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task FullQueue_WithWait_WaitsForAPlace()
    {
        var options = TinyChatModel.Options(TestModels.TestModels.Gemma4());
        options.MaxParallelSequences = 1;
        options.MaxQueuedRequests = 0;
        using var model = await Gemma4Model.LoadAsync(options);
        using var client = new Gemma4ChatClient(model);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => client.GetResponseAsync($"q{i}", new ChatOptions { Temperature = 0, MaxOutputTokens = 3 })));

        Assert.All(responses, r => Assert.Equal(3, r.Usage!.OutputTokenCount));
    }

    [Fact]
    public async Task DropOldestMessages_KeepsTheSystemAndLastUserMessage_AndFits()
    {
        var options = TinyChatModel.Options(TestModels.TestModels.Gemma4());
        options.ContextSize = 1024;
        using var model = await Gemma4Model.LoadAsync(options);
        var history = new List<ChatMessage> { new(ChatRole.System, "You are terse.") };
        for (var i = 0; i < 40; i++)
        {
            history.Add(new ChatMessage(ChatRole.User, $"Question {i}: " + string.Join(' ', Enumerable.Repeat("tell me about rivers", 5))));
            history.Add(new ChatMessage(ChatRole.Assistant, $"Answer {i}: " + string.Join(' ', Enumerable.Repeat("they flow", 5))));
        }

        history.Add(new ChatMessage(ChatRole.User, "Last question?"));
        using var strict = new Gemma4ChatClient(model);
        using var lenient = new Gemma4ChatClient(model, new Gemma4ChatClientOptions { ContextOverflow = Gemma4ContextOverflowPolicy.DropOldestMessages });

        await Assert.ThrowsAsync<Gemma4ContextOverflowException>(() => strict.GetResponseAsync(history));
        var response = await lenient.GetResponseAsync(history, new ChatOptions { Temperature = 0, MaxOutputTokens = 8 });

        Assert.InRange(response.Usage!.InputTokenCount!.Value, 1, 1024 - 8);
        Assert.Equal(8, response.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task DropOldestMessages_ThousandsOfMessages_TokenizesAFewTimes_AndFits()
    {
        var options = TinyChatModel.Options(TestModels.TestModels.Gemma4());
        options.ContextSize = 1024;
        using var model = await Gemma4Model.LoadAsync(options);
        var history = new List<ChatMessage> { new(ChatRole.System, "You are terse.") };
        for (var i = 0; i < 2000; i++)
        {
            history.Add(new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, $"message {i} about rivers"));
        }

        history.Add(new ChatMessage(ChatRole.User, "Last question?"));
        var formatter = new Gemma4PromptFormatter(model.TemplateVariant);
        var counting = new CountingTokenizer(model.Tokenizer);
        var (prompt, tokens) = MessageDropper.Fit(history, m => formatter.FormatPrompt(m), counting, 1000, CancellationToken.None);

        using var client = new Gemma4ChatClient(model, new Gemma4ChatClientOptions { ContextOverflow = Gemma4ContextOverflowPolicy.DropOldestMessages });
        var response = await client.GetResponseAsync(history, new ChatOptions { Temperature = 0, MaxOutputTokens = 4 });

        Assert.InRange(counting.Calls, 2, 3); // dropping one message at a time tokenized ~1,950 renders of the history
        Assert.InRange(tokens.Length, 900, 1000);
        Assert.Contains("Last question?", prompt.Text, StringComparison.Ordinal);
        Assert.InRange(response.Usage!.InputTokenCount!.Value, 1, 1024 - 4);
    }

    [Fact]
    public async Task DropOldestMessages_CancelledToken_ThrowsBeforePlanning()
    {
        var options = TinyChatModel.Options(TestModels.TestModels.Gemma4());
        options.ContextSize = 1024;
        using var model = await Gemma4Model.LoadAsync(options);
        using var client = new Gemma4ChatClient(model, new Gemma4ChatClientOptions { ContextOverflow = Gemma4ContextOverflowPolicy.DropOldestMessages });
        var history = Enumerable.Range(0, 3000).Select(i => new ChatMessage(ChatRole.User, $"message {i}")).ToList();

        Assert.Throws<OperationCanceledException>(() => client.GetStreamingResponseAsync(history, cancellationToken: new CancellationToken(true)));
    }

    private sealed class CountingTokenizer(IPromptTokenizer inner) : IPromptTokenizer
    {
        public int Calls { get; private set; }

        public int[] Tokenize(Gemma4Prompt prompt, Span<int> messageTokenStarts)
        {
            Calls++;
            return inner.Tokenize(prompt, messageTokenStarts);
        }
    }
}
