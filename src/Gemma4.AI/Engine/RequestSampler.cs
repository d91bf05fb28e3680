using Gemma4.AI.Native;
using LLama.Native;

namespace Gemma4.AI.Engine;

/// <summary>One request's samplers: the chain (penalties, top-k/p, temperature, distribution) and an optional grammar.</summary>
/// <remarks>The grammar is not in the chain, so <see cref="TokenSampler"/> can check it against one token first.</remarks>
/// <param name="chain">The sampler chain.</param>
/// <param name="grammar">The grammar sampler, or zero.</param>
/// <param name="excludedTokens">Tokens never to sample (special tokens a grammar does not name).</param>
internal sealed class RequestSampler(SafeLLamaSamplerChainHandle chain, IntPtr grammar, int[] excludedTokens) : IDisposable
{
    public int[] ExcludedTokens { get; } = excludedTokens;

    /// <summary>True when the chain is only the greedy sampler: the token is the argmax, no chain work needed.</summary>
    public bool IsPlainGreedy { get; init; }

    private IntPtr _grammar = grammar;

    public SafeLLamaSamplerChainHandle Chain { get; } = chain;

    public IntPtr Grammar => _grammar;

    public void Dispose()
    {
        Chain.Dispose();
        if (_grammar != IntPtr.Zero)
        {
            LlamaNative.SamplerFree(_grammar);
            _grammar = IntPtr.Zero;
        }
    }
}
