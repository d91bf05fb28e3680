using System.Text;
using Gemma4.AI.Engine;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.Native;
using LLama;
using LLama.Native;

namespace Gemma4.AI.IntegrationTests.Grammar;

/// <summary>The tiny random-weight Gemma 4 model, sampled token by token through the engine's own sampler chain.</summary>
public sealed class GrammarModel : IDisposable
{
    private const string Prompt = "<|turn>user\nWhat is the weather in Paris?<turn|>\n<|turn>model\n";

    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;

    public GrammarModel()
    {
        _weights = Llama.Load(TestModels.TestModels.Gemma4());
        _context = Llama.Context(_weights);
        Vocab = LlamaNative.ModelGetVocab(_weights.NativeHandle);
        Tokenizer = new Gemma4Tokenizer(Vocab);
    }

    internal IntPtr Vocab { get; }

    internal Gemma4Tokenizer Tokenizer { get; }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }

    /// <summary>Samples until an end-of-generation token or <paramref name="maxTokens"/>, with the grammar first in the chain.</summary>
    /// <param name="grammar">The grammar, or null for none.</param>
    /// <param name="seed">The sampling seed.</param>
    /// <param name="maxTokens">The most tokens to generate.</param>
    /// <param name="boost">Optionally, per step, a token whose logit is raised by 100 before sampling (to make the random
    /// model write a given token, such as a lazy grammar's trigger, at a chosen step).</param>
    internal Generation Generate(GrammarConstraint? grammar, uint seed, int maxTokens, Func<int, int?>? boost = null)
    {
        _context.NativeHandle.MemoryClear(true);
        var prompt = Llama.Tokenize(_weights, Prompt, special: true, addBos: true);
        var position = 0;
        Decode(prompt, ref position);

        var sampling = new SamplingParameters { Grammar = grammar, Seed = seed, Temperature = 1, TopK = 0, TopP = 1 };
        using var chain = SamplerChainFactory.Create(sampling, Vocab);
        var tokens = new List<int>();
        for (var step = 0; step < maxTokens; step++)
        {
            if (boost?.Invoke(step) is { } boosted)
            {
                _context.NativeHandle.GetLogitsIth(-1)[boosted] += 100;
            }

            var token = LlamaNative.SamplerSample(chain, _context.NativeHandle, -1);
            if (Tokenizer.IsEndOfGeneration(token))
            {
                return new Generation(Text(tokens), tokens, token);
            }

            tokens.Add(token);
            Decode([(LLamaToken)token], ref position);
        }

        return new Generation(Text(tokens), tokens, null);
    }

    /// <summary>The text of tokens with control tokens written out, as the output parser reads it.</summary>
    internal string Text(IEnumerable<int> tokens)
    {
        var bytes = new List<byte>();
        var buffer = new byte[256];
        foreach (var token in tokens)
        {
            var n = (int)_weights.NativeHandle.TokenToSpan((LLamaToken)token, buffer, 0, special: true);
            Assert.InRange(n, 0, buffer.Length);
            bytes.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    private void Decode(LLamaToken[] tokens, ref int position)
    {
        var batch = new LLamaBatch();
        for (var i = 0; i < tokens.Length; i++)
        {
            batch.Add(tokens[i], position++, LLamaSeqId.Zero, i == tokens.Length - 1);
        }

        Assert.Equal(DecodeResult.Ok, _context.Decode(batch));
    }
}

/// <summary>What one generation wrote.</summary>
/// <param name="Text">The output, control tokens written out.</param>
/// <param name="Tokens">The output tokens (without the end-of-generation token).</param>
/// <param name="EndToken">The end-of-generation token that stopped it, or null when it ran out of tokens.</param>
internal sealed record Generation(string Text, IReadOnlyList<int> Tokens, int? EndToken);
