using System.Text;
using Gemma4.AI.Native;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Gemma4.AI.IntegrationTests.Support;

/// <summary>Loads generated models into the real llama.cpp the way every test should: 1 thread, quiet logs, small context.</summary>
internal static class Llama
{
    public static ModelParams Params(string path, bool embeddings = false) => new(path)
    {
        ContextSize = 1024,
        BatchSize = 512,
        UBatchSize = 512,
        Threads = 1,
        BatchThreads = 1,
        GpuLayerCount = 0,
        LoadMode = LLamaLoadMode.MemoryMap, // LLamaSharp's default copies the whole file (several times slower)
        Embeddings = embeddings,
        PoolingType = embeddings ? LLamaPoolingType.Mean : LLamaPoolingType.Unspecified,
    };

    public static LLamaWeights Load(string path, bool embeddings = false)
    {
        // Route native logs before the first native call (process-wide, idempotent).
        NativeLogging.EnsureConfigured();
        return LLamaWeights.LoadFromFile(Params(path, embeddings));
    }

    public static LLamaContext Context(LLamaWeights weights, bool embeddings = false) =>
        weights.CreateContext(Params("unused", embeddings));

    public static LLamaToken[] Tokenize(LLamaWeights weights, string text, bool special, bool addBos = false) =>
        weights.Tokenize(text, addBos, special, Encoding.UTF8);

    public static string Detokenize(LLamaWeights weights, IEnumerable<LLamaToken> tokens)
    {
        var decoder = new StreamingTokenDecoder(Encoding.UTF8, weights);
        foreach (var t in tokens)
        {
            decoder.Add(t);
        }

        return decoder.Read();
    }

    /// <summary>Decodes <paramref name="tokens"/> as one sequence and returns the logits of the last token.</summary>
    public static float[] DecodeLastLogits(LLamaContext context, IReadOnlyList<LLamaToken> tokens)
    {
        var batch = new LLamaBatch();
        for (var i = 0; i < tokens.Count; i++)
        {
            batch.Add(tokens[i], i, LLamaSeqId.Zero, i == tokens.Count - 1);
        }

        var result = context.Decode(batch);
        Assert.Equal(DecodeResult.Ok, result);
        return context.NativeHandle.GetLogitsIth(batch.TokenCount - 1).ToArray();
    }
}
