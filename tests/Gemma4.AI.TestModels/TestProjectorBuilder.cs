namespace Gemma4.AI.TestModels;

/// <summary>
/// Turns a <see cref="TinyProjectorSpec"/> into a projector GGUF in the layout llama.cpp's mtmd loads for gemma4v and
/// gemma4a: <c>general.architecture = clip</c>, per-modality keys under <c>clip.vision.*</c> / <c>clip.audio.*</c>, and
/// the per-modality projector type keys (never the global <c>clip.projector_type</c>, which the loader would apply to
/// both encoders of a combined file).
/// </summary>
internal static class TestProjectorBuilder
{
    public static GgufWriter Build(TinyProjectorSpec spec, int projectionWidth)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.Vision && !spec.Audio)
        {
            throw new ArgumentException("A projector needs vision, audio or both.", nameof(spec));
        }

        if (spec.MelBins % 4 != 0)
        {
            throw new ArgumentException($"MelBins must be a multiple of 4 (got {spec.MelBins}).", nameof(spec));
        }

        var w = new GgufWriter();
        w.SetMetadata("general.architecture", GgufMetadataValue.String("clip"));
        w.SetMetadata("general.type", GgufMetadataValue.String("mmproj"));
        if (spec.Name is not null)
        {
            w.SetMetadata("general.name", GgufMetadataValue.String(spec.Name));
        }

        w.SetMetadata("general.file_type", GgufMetadataValue.UInt32(spec.WeightType == GgufTensorType.F16 ? 1u : 0u));
        var tensors = new TensorAdder(w, spec);
        if (spec.Vision)
        {
            AddVision(w, tensors, spec, projectionWidth);
        }

        if (spec.Audio)
        {
            AddAudio(w, tensors, spec, projectionWidth);
        }

        foreach (var (name, shape) in spec.ExtraTensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.AddTensor(name, GgufTensorType.F32, shape, RandomWeights.Floats(DeterministicRandom.Derive(spec.Seed, name), spec.WeightStdDev));
        }

        foreach (var key in spec.OmitKeys)
        {
            w.RemoveMetadata(key);
        }

        foreach (var (key, value) in spec.OverrideKeys.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.SetMetadata(key, value);
        }

        return w;
    }

    private static void AddVision(GgufWriter w, TensorAdder t, TinyProjectorSpec s, int width)
    {
        long d = s.VisionWidth, f = s.VisionFeedForward, p = s.PatchSize;
        w.SetMetadata("clip.has_vision_encoder", GgufMetadataValue.Bool(true));
        w.SetMetadata("clip.vision.projector_type", GgufMetadataValue.String("gemma4v"));
        w.SetMetadata("clip.vision.embedding_length", GgufMetadataValue.UInt32((uint)s.VisionWidth));
        w.SetMetadata("clip.vision.attention.head_count", GgufMetadataValue.UInt32((uint)s.VisionHeads));
        w.SetMetadata("clip.vision.feed_forward_length", GgufMetadataValue.UInt32((uint)s.VisionFeedForward));
        w.SetMetadata("clip.vision.block_count", GgufMetadataValue.UInt32((uint)s.VisionBlocks));
        w.SetMetadata("clip.vision.projection_dim", GgufMetadataValue.UInt32((uint)width));
        w.SetMetadata("clip.vision.image_size", GgufMetadataValue.UInt32((uint)s.ImageSize));
        w.SetMetadata("clip.vision.patch_size", GgufMetadataValue.UInt32((uint)s.PatchSize));
        w.SetMetadata("clip.vision.attention.layer_norm_epsilon", GgufMetadataValue.Float32(1e-6f));

        // gemma4v rescales pixels to [-1, 1] inside its graph, so the preprocessor's normalisation is the identity.
        w.SetMetadata("clip.vision.image_mean", GgufMetadataValue.Float32Array([0f, 0f, 0f]));
        w.SetMetadata("clip.vision.image_std", GgufMetadataValue.Float32Array([1f, 1f, 1f]));

        t.Random("v.patch_embd.weight", [p, p, 3, d]);
        t.Random("v.position_embd.weight", [d, s.PositionTableSize, 2]); // one table for x, one for y
        for (var i = 0; i < s.VisionBlocks; i++)
        {
            var b = $"v.blk.{i}.";
            foreach (var name in (ReadOnlySpan<string>)["attn_q", "attn_k", "attn_v", "attn_out"])
            {
                t.Random(b + name + ".weight", [d, d]);
            }

            t.Ones(b + "attn_q_norm.weight", [d / s.VisionHeads]);
            t.Ones(b + "attn_k_norm.weight", [d / s.VisionHeads]);
            foreach (var name in (ReadOnlySpan<string>)["ln1", "ln2", "attn_post_norm", "ffn_post_norm"])
            {
                t.Ones(b + name + ".weight", [d]);
            }

            t.Random(b + "ffn_gate.weight", [d, f]);
            t.Random(b + "ffn_up.weight", [d, f]);
            t.Random(b + "ffn_down.weight", [f, d]);
        }

        t.Random("mm.input_projection.weight", [d, width]);
    }

    private static void AddAudio(GgufWriter w, TensorAdder t, TinyProjectorSpec s, int width)
    {
        long a = s.AudioWidth, f = s.AudioFeedForward, c0 = s.ConvChannels0, c1 = s.ConvChannels1;
        w.SetMetadata("clip.has_audio_encoder", GgufMetadataValue.Bool(true));
        w.SetMetadata("clip.audio.projector_type", GgufMetadataValue.String("gemma4a"));
        w.SetMetadata("clip.audio.embedding_length", GgufMetadataValue.UInt32((uint)s.AudioWidth));
        w.SetMetadata("clip.audio.attention.head_count", GgufMetadataValue.UInt32((uint)s.AudioHeads));
        w.SetMetadata("clip.audio.feed_forward_length", GgufMetadataValue.UInt32((uint)s.AudioFeedForward));
        w.SetMetadata("clip.audio.block_count", GgufMetadataValue.UInt32((uint)s.AudioBlocks));
        w.SetMetadata("clip.audio.projection_dim", GgufMetadataValue.UInt32((uint)width));
        w.SetMetadata("clip.audio.num_mel_bins", GgufMetadataValue.UInt32((uint)s.MelBins));
        w.SetMetadata("clip.audio.attention.layer_norm_epsilon", GgufMetadataValue.Float32(1e-6f));

        t.Random("a.conv1d.0.weight", [3, 3, 1, c0]);
        t.Ones("a.conv1d.0.norm.weight", [c0]);
        t.Random("a.conv1d.1.weight", [3, 3, c0, c1]);
        t.Ones("a.conv1d.1.norm.weight", [c1]);
        t.Random("a.input_projection.weight", [c1 * (s.MelBins / 4), a]); // two stride-2 convolutions leave a quarter of the bins
        for (var i = 0; i < s.AudioBlocks; i++)
        {
            var b = $"a.blk.{i}.";
            foreach (var name in (ReadOnlySpan<string>)
                ["ffn_norm", "ffn_post_norm", "attn_pre_norm", "attn_post_norm", "conv_norm", "norm_conv", "ffn_norm_1", "ffn_post_norm_1", "ln2"])
            {
                t.Ones(b + name + ".weight", [a]);
            }

            t.Random(b + "ffn_up.weight", [a, f]);
            t.Random(b + "ffn_down.weight", [f, a]);
            t.Random(b + "ffn_up_1.weight", [a, f]);
            t.Random(b + "ffn_down_1.weight", [f, a]);
            foreach (var name in (ReadOnlySpan<string>)["attn_q", "attn_k", "attn_v", "attn_out", "attn_k_rel"])
            {
                t.Random(b + name + ".weight", [a, a]);
            }

            t.Ones(b + "per_dim_scale.weight", [a / s.AudioHeads]);
            t.Random(b + "conv_pw1.weight", [a, 2 * a]);
            t.Random(b + "conv_dw.weight", [5, a]); // causal depthwise convolution, kernel 5
            t.Random(b + "conv_pw2.weight", [a, a]);
        }

        t.Random("mm.a.input_projection.weight", [a, width]);
    }

    /// <summary>Adds tensors, applying the spec's omissions and shape overrides (a changed shape gets fresh random data).</summary>
    private sealed class TensorAdder(GgufWriter writer, TinyProjectorSpec spec)
    {
        public void Random(string name, long[] shape) => Add(name, shape, random: true);

        public void Ones(string name, long[] shape) => Add(name, shape, random: false);

        private void Add(string name, long[] shape, bool random)
        {
            if (spec.OmitTensors.Contains(name))
            {
                return;
            }

            if (spec.TensorShapes.TryGetValue(name, out var changed))
            {
                shape = [.. changed];
            }

            // Matrices take the weight type (rows permitting); norms and the conformer's depthwise kernel (ssm_conv takes
            // F32 only) stay F32 as converters write them.
            var type = spec.TensorTypes.TryGetValue(name, out var forced) ? forced
                : random && spec.WeightType != GgufTensorType.F32 && shape.Length > 1
                    && !name.EndsWith(".conv_dw.weight", StringComparison.Ordinal)
                    && shape[0] % GgmlQuantization.BlockElements(spec.WeightType) == 0
                ? spec.WeightType
                : GgufTensorType.F32;
            var data = random
                ? RandomWeights.Floats(DeterministicRandom.Derive(spec.Seed, name), spec.WeightStdDev)
                : GgufTensorData.Constant(1f);
            writer.AddTensor(name, type, shape, data);
        }
    }
}
