namespace Gemma4.AI.Formatting;

/// <summary>The text of Gemma 4's control and user-defined tokens, as they appear in a rendered prompt.</summary>
internal static class Gemma4Tokens
{
    public const string Bos = "<bos>";
    public const string Eos = "<eos>";
    public const string Pad = "<pad>";
    public const string TurnStart = "<|turn>";
    public const string TurnEnd = "<turn|>";
    public const string ToolStart = "<|tool>";
    public const string ToolEnd = "<tool|>";
    public const string Think = "<|think|>";
    public const string ToolCallStart = "<|tool_call>";
    public const string ToolCallEnd = "<tool_call|>";
    public const string ToolResponseStart = "<|tool_response>";
    public const string ToolResponseEnd = "<tool_response|>";
    public const string Quote = "<|\"|>";
    public const string ChannelStart = "<|channel>";
    public const string ChannelEnd = "<channel|>";
    public const string Image = "<|image|>";
    public const string Audio = "<|audio|>";
    public const string Video = "<|video|>";
    public const string ImageStart = "<|image>";
    public const string ImageEnd = "<image|>";
    public const string AudioStart = "<|audio>";
    public const string AudioEnd = "<audio|>";

    /// <summary>The opening of a thought channel, as the model writes it.</summary>
    public const string ThoughtChannelStart = ChannelStart + "thought\n";
}
