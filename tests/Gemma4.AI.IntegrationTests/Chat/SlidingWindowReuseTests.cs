using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>
/// KV reuse across turns with a trimmed sliding-window cache (SwaFull = false): reused where the window still holds
/// what the next turn needs, decoded again where it does not — never silently wrong (outputs equal a cold run).
/// </summary>
public sealed class SlidingWindowReuseTests
{
    [Theory]
    [InlineData(false)] // the next turn extends the conversation: the rollback stays inside the 128-token window
    [InlineData(true)]  // the next turn edits the document far back: the window no longer holds that point
    public async Task SecondTurn_MatchesAColdRun_AndReusesOnlyWhatTheWindowStillHolds(bool editFarBack)
    {
        var path = TestModels.TestModels.Gemma4();
        var options = TinyChatModel.Options(path);
        options.SwaFull = false;
        options.MaxParallelSequences = 1;
        var facts = Enumerable.Range(0, 500).Select(i => $"fact {i % 23}").ToList();
        var history = new List<ChatMessage> { new(ChatRole.User, string.Join(' ', facts)) };

        using var model = await Gemma4Model.LoadAsync(options);
        using var client = new Gemma4ChatClient(model);
        var first = await client.GetResponseAsync(history, new ChatOptions { Temperature = 0, MaxOutputTokens = 30 });
        if (editFarBack)
        {
            facts[50] = "changed"; // ~2000 positions back: further than the trimmed cache keeps (window + micro-batch)
            history[0] = new ChatMessage(ChatRole.User, string.Join(' ', facts));
        }

        history.AddMessages(first);
        history.Add(new ChatMessage(ChatRole.User, "And then?"));
        var second = await client.GetResponseAsync(history, new ChatOptions { Temperature = 0, MaxOutputTokens = 24 });

        using var coldModel = await Gemma4Model.LoadAsync(options);
        using var coldClient = new Gemma4ChatClient(coldModel);
        var cold = await coldClient.GetResponseAsync(history, new ChatOptions { Temperature = 0, MaxOutputTokens = 24 });

        Assert.Equal(cold.Text, second.Text);
        Assert.Equal(0, cold.Usage!.CachedInputTokenCount);
        if (editFarBack)
        {
            Assert.Equal(0, second.Usage!.CachedInputTokenCount);
        }
        else
        {
            Assert.True(second.Usage!.CachedInputTokenCount >= first.Usage!.InputTokenCount - 8, $"{second.Usage.CachedInputTokenCount} cached");
        }
    }
}
