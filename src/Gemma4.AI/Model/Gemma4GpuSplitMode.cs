namespace Gemma4.AI;

/// <summary>How layers are split across several GPUs.</summary>
public enum Gemma4GpuSplitMode
{
    /// <summary>Use only <see cref="Gemma4ModelOptions.MainGpu"/>.</summary>
    None = 0,

    /// <summary>Split whole layers across GPUs (llama.cpp's default).</summary>
    Layer = 1,

    /// <summary>Split rows of each layer across GPUs.</summary>
    Row = 2,
}
