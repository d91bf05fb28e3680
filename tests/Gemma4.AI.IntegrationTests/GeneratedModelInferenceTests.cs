using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;
using LLama.Native;

namespace Gemma4.AI.IntegrationTests;

/// <summary>The generated models load in the real llama.cpp and compute.</summary>
public sealed class GeneratedModelInferenceTests
{
    public static TheoryData<GgufTensorType> WeightTypes => [GgufTensorType.F16, GgufTensorType.F32, GgufTensorType.Q8_0, GgufTensorType.Q4_0];

    [Theory]
    [MemberData(nameof(WeightTypes))]
    public void Gemma4_LoadsAndDecodes_LogitsAreFinite(GgufTensorType weightType)
    {
        var path = TestModels.TestModels.Gemma4(TinyModelSpec.Default with { WeightType = weightType });
        using var weights = Llama.Load(path);
        using var context = Llama.Context(weights);

        Assert.Equal(TestVocabulary.Default.Count, weights.Vocab.Count);
        var prompt = Llama.Tokenize(weights, "<|turn>user\nHello there<turn|>\n<|turn>model\n", special: true, addBos: true);
        Assert.Equal(TestVocabulary.BosId, (int)prompt[0]);
        var logits = Llama.DecodeLastLogits(context, prompt);

        Assert.Equal(weights.Vocab.Count, logits.Length);
        Assert.All(logits, l => Assert.True(float.IsFinite(l)));
        Assert.Contains(logits, l => l != 0);

        // A few greedy steps keep producing finite logits.
        var position = prompt.Length;
        for (var step = 0; step < 4; step++)
        {
            var next = (LLamaToken)Array.IndexOf(logits, logits.Max());
            var batch = new LLamaBatch();
            batch.Add(next, position++, LLamaSeqId.Zero, true);
            Assert.Equal(DecodeResult.Ok, context.Decode(batch));
            logits = context.NativeHandle.GetLogitsIth(0).ToArray();
            Assert.All(logits, l => Assert.True(float.IsFinite(l)));
        }
    }

    [Fact]
    public void Gemma4_PerLayerEmbeddingsSharedKvAndWideMlp_LoadsAndDecodes()
    {
        // The E2B/E4B features at toy size: per-layer embeddings, the last layers sharing KV, wider MLP there,
        // layer output scales and a padded vocabulary.
        var spec = TinyModelSpec.Default with
        {
            Layers = 6,
            KvHeads = [1, 1, 1, 1, 1, 1],
            SlidingPattern = [true, true, false, true, true, false],
            FeedForwardPerLayer = [256, 256, 256, 512, 512, 512],
            EmbeddingLengthPerLayer = 32,
            SharedKvLayers = 3,
            LayerOutputScale = true,
            VocabularySize = 4096,
        };
        var path = TestModels.TestModels.Gemma4(spec);
        var info = Gemma4.AI.Gguf.Gemma4GgufPreflight.Validate(path);
        using var weights = Llama.Load(path);
        using var context = Llama.Context(weights);

        var logits = Llama.DecodeLastLogits(context, Llama.Tokenize(weights, "Hello there", special: false, addBos: true));

        Assert.Equal(32, info.EmbeddingLengthPerLayer);
        Assert.Equal(3, info.SharedKvLayers);
        Assert.Equal(4096, logits.Length);
        Assert.All(logits, l => Assert.True(float.IsFinite(l)));
    }

    [Fact]
    public void GemmaEmbedding_LoadsAndEmbeds_VectorIsFiniteAndNonZero()
    {
        using var weights = Llama.Load(TestModels.TestModels.GemmaEmbedding(), embeddings: true);
        using var context = Llama.Context(weights, embeddings: true);
        var tokens = Llama.Tokenize(weights, "The quick brown fox", special: false, addBos: true);
        var batch = new LLamaBatch();
        for (var i = 0; i < tokens.Length; i++)
        {
            batch.Add(tokens[i], i, LLamaSeqId.Zero, true);
        }

        Assert.Equal(DecodeResult.Ok, context.Decode(batch));
        var embedding = context.NativeHandle.GetEmbeddingsSeq(LLamaSeqId.Zero).ToArray();

        Assert.Equal(128, embedding.Length);
        Assert.All(embedding, e => Assert.True(float.IsFinite(e)));
        Assert.True(embedding.Sum(e => e * e) > 0);
    }
}
