using System.Runtime.InteropServices;
using Gemma4.AI.Native;
using LLama.Native;

namespace Gemma4.AI.Engine;

/// <summary>
/// Samples one token from a sequence's logits with its sampler chain, the way llama_sampler_sample does, but over a
/// candidate buffer allocated once per engine and with a check llama.cpp lacks: when a grammar rejects every
/// candidate, llama.cpp would accept an illegal token and terminate the process; here the request fails instead.
/// </summary>
internal sealed unsafe class TokenSampler : IDisposable
{
    private readonly int _vocabulary;
    private LlamaNative.TokenData* _candidates;

    public TokenSampler(int vocabularySize)
    {
        _vocabulary = vocabularySize;
        _candidates = (LlamaNative.TokenData*)NativeMemory.Alloc((nuint)vocabularySize, (nuint)sizeof(LlamaNative.TokenData));
    }

    /// <summary>Samples and accepts a token; returns -1 (accepting nothing) when no token is allowed.</summary>
    public int Sample(SafeLLamaSamplerChainHandle chain, SafeLLamaContextHandle context, int batchIndex)
    {
        var logits = LlamaNative.GetLogitsIth(context, batchIndex);
        for (var i = 0; i < _vocabulary; i++)
        {
            _candidates[i] = new LlamaNative.TokenData { Id = i, Logit = logits[i], P = 0 };
        }

        var array = new LlamaNative.TokenDataArray { Data = _candidates, Size = (nuint)_vocabulary, Selected = -1, Sorted = false };
        LlamaNative.SamplerApply(chain, &array);
        if (array.Selected < 0 || array.Selected >= (long)array.Size || float.IsNegativeInfinity(array.Data[array.Selected].Logit))
        {
            return -1;
        }

        var token = array.Data[array.Selected].Id;
        LlamaNative.SamplerAccept(chain, token);
        return token;
    }

    public void Dispose()
    {
        if (_candidates != null)
        {
            NativeMemory.Free(_candidates);
            _candidates = null;
        }
    }
}
