namespace Gemma4.AI.Multimodal;

/// <summary>The kinds of media a projector encodes.</summary>
internal enum MediaKind
{
    /// <summary>A still image (gemma4v).</summary>
    Image,

    /// <summary>An audio clip (gemma4a).</summary>
    Audio,
}
