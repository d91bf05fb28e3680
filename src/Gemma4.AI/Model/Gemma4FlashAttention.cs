namespace Gemma4.AI;

/// <summary>Whether llama.cpp uses flash attention.</summary>
public enum Gemma4FlashAttention
{
    /// <summary>llama.cpp decides per backend (forced on when the V cache is quantized).</summary>
    Auto = 0,

    /// <summary>Always on.</summary>
    Enabled = 1,

    /// <summary>Always off; not allowed with a quantized V cache (llama.cpp would crash).</summary>
    Disabled = 2,
}
