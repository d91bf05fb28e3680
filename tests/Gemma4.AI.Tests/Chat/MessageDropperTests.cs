using Gemma4.AI.Chat;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Tests.Chat;

public sealed class MessageDropperTests
{
    [Fact]
    public void DropOldest_RemovesACallTogetherWithItsResults_AndKeepsSystemAndLastUser()
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, "sys"),
            new(ChatRole.User, "u1"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "f")]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "r")]),
            new(ChatRole.Assistant, "a1"),
            new(ChatRole.User, "u2"),
        };

        Assert.True(MessageDropper.DropOldest(messages)); // u1
        Assert.True(MessageDropper.DropOldest(messages)); // the call and its result
        Assert.Equal(["sys", "a1", "u2"], messages.Select(m => m.Text.Length > 0 ? m.Text : "?"));
        Assert.True(MessageDropper.DropOldest(messages)); // a1
        Assert.False(MessageDropper.DropOldest(messages)); // only the system and last user messages remain
        Assert.Equal(["sys", "u2"], messages.Select(m => m.Text));
    }
}
