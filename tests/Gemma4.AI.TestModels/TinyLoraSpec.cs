namespace Gemma4.AI.TestModels;

/// <summary>
/// Describes a generated LoRA adapter for a generated base model: random <c>lora_a</c>/<c>lora_b</c> pairs for chosen
/// projections of every layer, in the layout llama.cpp's <c>convert_lora_to_gguf.py</c> writes. Like
/// <see cref="TinyModelSpec"/>, every property feeds the content hash of the cached file.
/// </summary>
public sealed record TinyLoraSpec
{
    /// <summary>A rank-4 adapter on the attention and MLP projections of every layer.</summary>
    public static TinyLoraSpec Default { get; } = new();

    /// <summary>Seed of the random factors (use different seeds for different adapters).</summary>
    public ulong Seed { get; init; } = 7;

    /// <summary>Rank of every pair.</summary>
    public int Rank { get; init; } = 4;

    /// <summary><c>adapter.lora.alpha</c>; llama.cpp scales each pair by alpha/rank. Null leaves the key out.</summary>
    public float? Alpha { get; init; } = 8f;

    /// <summary>Projections adapted in every layer (those a layer lacks, such as K/V of shared-KV layers, are skipped).</summary>
    public IReadOnlyList<string> Targets { get; init; } = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"];

    /// <summary>Standard deviation of both random factors.</summary>
    public float StdDev { get; init; } = 0.05f;

    /// <summary>Storage type of the factors (llama.cpp's converter writes F16 by default).</summary>
    public GgufTensorType WeightType { get; init; } = GgufTensorType.F16;

    /// <summary><c>general.name</c>.</summary>
    public string Name { get; init; } = "gemma4-tiny-lora";

    /// <summary>Metadata keys to leave out (for negative tests).</summary>
    public IReadOnlyList<string> OmitKeys { get; init; } = [];

    /// <summary>Metadata keys to add or replace (for negative tests), applied after <see cref="OmitKeys"/>.</summary>
    public IReadOnlyDictionary<string, GgufMetadataValue> OverrideKeys { get; init; } = new Dictionary<string, GgufMetadataValue>();
}
