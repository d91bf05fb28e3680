namespace Gemma4.AI.TestModels;

/// <summary>Turns a <see cref="TinyLoraSpec"/> and its base <see cref="TinyModelSpec"/> into a LoRA adapter GGUF.</summary>
internal static class TestLoraBuilder
{
    public static GgufWriter Build(TinyLoraSpec lora, TinyModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(lora);
        ArgumentNullException.ThrowIfNull(model);
        if (lora.Rank < 1)
        {
            throw new ArgumentException("Rank must be at least 1.", nameof(lora));
        }

        var w = new GgufWriter();
        w.SetMetadata("general.architecture", GgufMetadataValue.String("gemma4"));
        w.SetMetadata("general.type", GgufMetadataValue.String("adapter"));
        w.SetMetadata("general.name", GgufMetadataValue.String(lora.Name));
        w.SetMetadata("adapter.type", GgufMetadataValue.String("lora"));
        if (lora.Alpha is { } alpha)
        {
            w.SetMetadata("adapter.lora.alpha", GgufMetadataValue.Float32(alpha));
        }

        var firstSharedKvLayer = model.Layers - model.SharedKvLayers;
        for (var il = 0; il < model.Layers; il++)
        {
            var hd = (long)(model.SlidingPattern[il] ? model.HeadDimSwa : model.HeadDim);
            var kv = model.KvHeads[il];
            var ff = (long)(model.FeedForwardPerLayer?[il] ?? model.FeedForward);
            var n = (long)model.HiddenSize;
            foreach (var target in lora.Targets)
            {
                (long Columns, long Rows)? shape = target switch
                {
                    "attn_q" => (n, hd * model.Heads),
                    "attn_k" or "attn_v" when il < firstSharedKvLayer => (n, hd * kv),
                    "attn_k" or "attn_v" => null,
                    "attn_output" => (hd * model.Heads, n),
                    "ffn_gate" or "ffn_up" => (n, ff),
                    "ffn_down" => (ff, n),
                    _ => throw new ArgumentException($"Unknown LoRA target '{target}'.", nameof(lora)),
                };
                if (shape is not { } s)
                {
                    continue;
                }

                // ggml order: lora_a is [columns of the base weight, rank], lora_b is [rank, rows of the base weight].
                var name = $"blk.{il}.{target}.weight";
                w.AddTensor(name + ".lora_a", lora.WeightType, [s.Columns, lora.Rank], RandomWeights.Floats(DeterministicRandom.Derive(lora.Seed, name + ".a"), lora.StdDev));
                w.AddTensor(name + ".lora_b", lora.WeightType, [lora.Rank, s.Rows], RandomWeights.Floats(DeterministicRandom.Derive(lora.Seed, name + ".b"), lora.StdDev));
            }
        }

        foreach (var key in lora.OmitKeys)
        {
            w.RemoveMetadata(key);
        }

        foreach (var (key, value) in lora.OverrideKeys.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.SetMetadata(key, value);
        }

        return w;
    }
}
