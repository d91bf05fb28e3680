namespace Gemma4.AI.TestModels;

/// <summary>Turns a <see cref="TinyModelSpec"/> into a <see cref="GgufWriter"/> holding a gemma4 or gemma-embedding model.</summary>
internal static class TestModelBuilder
{
    private const float RmsEpsilon = 1e-6f;

    public static GgufWriter Build(TestModelKind kind, TinyModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Validate(kind, spec);
        var writer = new GgufWriter();
        var vocab = TestVocabulary.Create(spec.VocabularySize);
        var model = new ModelWriter(writer, spec);
        if (kind == TestModelKind.Gemma4)
        {
            model.WriteGemma4Metadata();
        }
        else
        {
            model.WriteEmbeddingMetadata();
        }

        WriteTokenizer(writer, vocab, spec);
        model.WriteTensors(kind, vocab.Count);

        foreach (var key in spec.OmitKeys)
        {
            writer.RemoveMetadata(key);
        }

        foreach (var (key, value) in spec.OverrideKeys.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            writer.SetMetadata(key, value);
        }

        foreach (var name in spec.OmitTensors)
        {
            writer.RemoveTensor(name);
        }

        return writer;
    }

    private static void Validate(TestModelKind kind, TinyModelSpec spec)
    {
        void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new ArgumentException(message, nameof(spec));
            }
        }

        Require(spec.Layers > 0 && spec.HiddenSize > 0 && spec.Heads > 0, "Layers, hidden size and heads must be positive.");
        Require(spec.KvHeads.Count == spec.Layers, "KvHeads needs one entry per layer.");
        Require(spec.SlidingPattern.Count == spec.Layers, "SlidingPattern needs one entry per layer.");
        Require(spec.FeedForwardPerLayer is null || spec.FeedForwardPerLayer.Count == spec.Layers, "FeedForwardPerLayer needs one entry per layer.");
        Require(spec.SharedKvLayers >= 0 && spec.SharedKvLayers < spec.Layers, "SharedKvLayers must leave at least one layer with its own KV.");
        if (spec.SharedKvLayers > 0)
        {
            // llama.cpp reuses layer L-2's cache for shared sliding layers and L-1's for shared global ones.
            var first = spec.Layers - spec.SharedKvLayers;
            var shared = spec.SlidingPattern.Skip(first).ToList();
            Require(!shared.Contains(true) || (first >= 2 && spec.SlidingPattern[first - 2]), "With shared KV, layer L-2 (L = first shared layer) must be a sliding layer.");
            Require(!shared.Contains(false) || (first >= 1 && !spec.SlidingPattern[first - 1]), "With shared KV, layer L-1 (L = first shared layer) must be a global layer.");
        }

        if (kind == TestModelKind.GemmaEmbedding)
        {
            Require(spec.KvHeads.Distinct().Count() == 1, "gemma-embedding needs the same KV head count in every layer.");
            Require(EmbeddingPeriod(spec) > 0, "gemma-embedding needs a periodic sliding pattern: n-1 sliding layers then one global, repeated.");
            Require(spec.EmbeddingLengthPerLayer == 0 && spec.SharedKvLayers == 0, "gemma-embedding has no per-layer embeddings or shared KV.");
        }
    }

    /// <summary>The u32 period gemma-embedding stores for the pattern, or 0 when the pattern is not periodic.</summary>
    internal static int EmbeddingPeriod(TinyModelSpec spec)
    {
        var period = spec.SlidingPattern.ToList().IndexOf(false) + 1;
        if (period == 0)
        {
            return 0;
        }

        for (var il = 0; il < spec.Layers; il++)
        {
            if (spec.SlidingPattern[il] != (il % period < period - 1))
            {
                return 0;
            }
        }

        return period;
    }

    private static void WriteTokenizer(GgufWriter w, TestVocabulary vocab, TinyModelSpec spec)
    {
        w.SetMetadata("tokenizer.ggml.model", GgufMetadataValue.String("gemma4"));
        w.SetMetadata("tokenizer.ggml.pre", GgufMetadataValue.String("gemma4"));
        w.SetMetadata("tokenizer.ggml.tokens", GgufMetadataValue.StringArray(vocab.Tokens));
        w.SetMetadata("tokenizer.ggml.scores", GgufMetadataValue.Float32Array(vocab.Scores));
        w.SetMetadata("tokenizer.ggml.token_type", GgufMetadataValue.Int32Array(vocab.TokenTypes));
        w.SetMetadata("tokenizer.ggml.merges", GgufMetadataValue.StringArray(vocab.Merges));
        w.SetMetadata("tokenizer.ggml.bos_token_id", GgufMetadataValue.UInt32(TestVocabulary.BosId));
        w.SetMetadata("tokenizer.ggml.eos_token_id", GgufMetadataValue.UInt32(TestVocabulary.EosId));
        w.SetMetadata("tokenizer.ggml.unknown_token_id", GgufMetadataValue.UInt32(TestVocabulary.UnkId));
        w.SetMetadata("tokenizer.ggml.padding_token_id", GgufMetadataValue.UInt32(TestVocabulary.PadId));
        w.SetMetadata("tokenizer.ggml.add_bos_token", GgufMetadataValue.Bool(true));
        w.SetMetadata("tokenizer.ggml.add_eos_token", GgufMetadataValue.Bool(false));
        if (spec.ChatTemplate is { } template)
        {
            w.SetMetadata("tokenizer.chat_template", GgufMetadataValue.String(template));
        }
    }

    private sealed class ModelWriter(GgufWriter w, TinyModelSpec spec)
    {
        private string _arch = "gemma4";

        private void U32(string key, int value) => w.SetMetadata($"{_arch}.{key}", GgufMetadataValue.UInt32(checked((uint)value)));

        private void F32(string key, float value) => w.SetMetadata($"{_arch}.{key}", GgufMetadataValue.Float32(value));

        private int FeedForward(int il) => spec.FeedForwardPerLayer?[il] ?? spec.FeedForward;

        private int HeadDim(int il) => _arch == "gemma4" && spec.SlidingPattern[il] ? spec.HeadDimSwa : spec.HeadDim;

        public void WriteGemma4Metadata()
        {
            _arch = "gemma4";
            WriteGeneral();
            WriteCommonHyperparameters();
            w.SetMetadata("gemma4.attention.head_count_kv", GgufMetadataValue.UInt32Array(spec.KvHeads.Select(k => (uint)k)));
            U32("attention.key_length_swa", spec.HeadDimSwa);
            U32("attention.value_length_swa", spec.HeadDimSwa);
            w.SetMetadata("gemma4.attention.sliding_window_pattern", GgufMetadataValue.BoolArray(spec.SlidingPattern));
            U32("embedding_length_per_layer_input", spec.EmbeddingLengthPerLayer);
            U32("rope.dimension_count", spec.HeadDim);
            U32("rope.dimension_count_swa", spec.HeadDimSwa);
            F32("rope.freq_base", 1_000_000f);
            F32("rope.freq_base_swa", 10_000f);
            U32("attention.shared_kv_layers", spec.SharedKvLayers);
            F32("final_logit_softcapping", 30f);
        }

        public void WriteEmbeddingMetadata()
        {
            _arch = "gemma-embedding";
            WriteGeneral();
            WriteCommonHyperparameters();
            U32("attention.head_count_kv", spec.KvHeads[0]);
            U32("attention.sliding_window_pattern", EmbeddingPeriod(spec));
            U32("pooling_type", 1); // mean
            w.SetMetadata("gemma-embedding.attention.causal", GgufMetadataValue.Bool(false));
            U32("rope.dimension_count", spec.HeadDim);
            F32("rope.freq_base", 1_000_000f);
        }

        private void WriteGeneral()
        {
            w.SetMetadata("general.architecture", GgufMetadataValue.String(_arch));
            if (spec.Name is { } name)
            {
                w.SetMetadata("general.name", GgufMetadataValue.String(name));
            }

            w.SetMetadata("general.file_type", GgufMetadataValue.UInt32(spec.WeightType switch
            {
                GgufTensorType.F32 => 0u,
                GgufTensorType.F16 => 1u,
                GgufTensorType.Q4_0 => 2u,
                GgufTensorType.Q8_0 => 7u,
                _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.WeightType, "Unsupported weight type."),
            }));
            w.SetMetadata("general.quantization_version", GgufMetadataValue.UInt32(2));
        }

        private void WriteCommonHyperparameters()
        {
            U32("context_length", spec.ContextLength);
            U32("embedding_length", spec.HiddenSize);
            U32("block_count", spec.Layers);
            if (spec.FeedForwardPerLayer is { } ff)
            {
                w.SetMetadata($"{_arch}.feed_forward_length", GgufMetadataValue.UInt32Array(ff.Select(f => (uint)f)));
            }
            else
            {
                U32("feed_forward_length", spec.FeedForward);
            }

            U32("attention.head_count", spec.Heads);
            U32("attention.key_length", spec.HeadDim);
            U32("attention.value_length", spec.HeadDim);
            U32("attention.sliding_window", spec.SlidingWindow);
            F32("attention.layer_norm_rms_epsilon", RmsEpsilon);
        }

        public void WriteTensors(TestModelKind kind, int vocabSize)
        {
            var n = (long)spec.HiddenSize;
            var perLayer = (long)spec.EmbeddingLengthPerLayer;
            Matrix("token_embd.weight", n, vocabSize);
            if (kind == TestModelKind.Gemma4)
            {
                // Proportional RoPE on global layers: only the first quarter of the frequencies rotate.
                var half = spec.HeadDim / 2;
                var freqs = Enumerable.Range(0, half).Select(i => i < half / 4 ? 1f : 1e30f).ToArray();
                w.AddTensor("rope_freqs.weight", GgufTensorType.F32, [half], GgufTensorData.FromFloats(freqs));
            }

            if (perLayer > 0)
            {
                // Per-layer embeddings (E2B/E4B): one perLayer-wide slice per layer for every token.
                Matrix("per_layer_token_embd.weight", perLayer * spec.Layers, vocabSize);
                Matrix("per_layer_model_proj.weight", n, perLayer * spec.Layers);
                Norm("per_layer_proj_norm.weight", perLayer);
            }

            Norm("output_norm.weight", n);
            var firstSharedKvLayer = spec.Layers - spec.SharedKvLayers;
            for (var il = 0; il < spec.Layers; il++)
            {
                var hd = (long)HeadDim(il);
                var kv = spec.KvHeads[il];
                var ff = FeedForward(il);
                var p = $"blk.{il}.";
                Norm(p + "attn_norm.weight", n);
                Matrix(p + "attn_q.weight", n, hd * spec.Heads);
                if (il < firstSharedKvLayer)
                {
                    // Layers past the shared-KV boundary reuse an earlier layer's cache and carry no K/V weights.
                    Matrix(p + "attn_k.weight", n, hd * kv);
                    Matrix(p + "attn_v.weight", n, hd * kv);
                    Norm(p + "attn_k_norm.weight", hd);
                }

                Matrix(p + "attn_output.weight", hd * spec.Heads, n);
                Norm(p + "attn_q_norm.weight", hd);
                Norm(p + "post_attention_norm.weight", n);
                Norm(p + "ffn_norm.weight", n);
                Matrix(p + "ffn_gate.weight", n, ff);
                Matrix(p + "ffn_up.weight", n, ff);
                Matrix(p + "ffn_down.weight", ff, n);
                Norm(p + "post_ffw_norm.weight", n);
                if (perLayer > 0)
                {
                    Matrix(p + "inp_gate.weight", n, perLayer);
                    Matrix(p + "proj.weight", perLayer, n);
                    Norm(p + "post_norm.weight", n);
                }

                if (spec.LayerOutputScale)
                {
                    Norm(p + "layer_output_scale.weight", 1);
                }
            }
        }

        private void Norm(string name, long size) =>
            w.AddTensor(name, GgufTensorType.F32, [size], GgufTensorData.Constant(1f));

        private void Matrix(string name, long columns, long rows)
        {
            var seed = DeterministicRandom.Derive(spec.Seed, name);
            var data = spec.WeightType is GgufTensorType.Q4_0 or GgufTensorType.Q8_0
                ? RandomWeights.QuantizedBlocks(spec.WeightType, seed, spec.WeightStdDev)
                : RandomWeights.Floats(seed, spec.WeightStdDev);
            w.AddTensor(name, spec.WeightType, [columns, rows], data);
        }
    }
}
