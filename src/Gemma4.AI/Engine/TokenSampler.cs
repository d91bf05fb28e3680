using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Gemma4.AI.Native;
using LLama.Native;

namespace Gemma4.AI.Engine;

/// <summary>
/// Samples one token from a sequence's logits over a candidate buffer allocated once per engine.
/// </summary>
/// <remarks>
/// <para>With a grammar it does what llama.cpp's common sampler does: sample without the grammar, check just that
/// token against it, and only when it is rejected constrain the whole vocabulary and sample again. Checking the
/// grammar against all 262,144 tokens of Gemma's vocabulary on every step would cost 85–250 ms per token.</para>
/// <para>When a grammar rejects every candidate, llama.cpp's own sampling would accept an illegal token and
/// terminate the process; here <see cref="Sample"/> returns -1 and the request fails instead.</para>
/// <para>Byte-fallback tokens are limited to those that keep the output valid UTF-8 (see <see cref="Utf8Guard"/>).</para>
/// </remarks>
internal sealed unsafe class TokenSampler : IDisposable
{
    private readonly int _vocabulary;
    private readonly int[] _byteTokens;
    private LlamaNative.TokenData* _candidates;

    public TokenSampler(int vocabularySize, int[] byteTokens)
    {
        _vocabulary = vocabularySize;
        _byteTokens = byteTokens;
        _candidates = (LlamaNative.TokenData*)NativeMemory.Alloc((nuint)vocabularySize, (nuint)sizeof(LlamaNative.TokenData));
    }

    /// <summary>Samples and accepts a token; returns -1 (accepting nothing) when no token is allowed.</summary>
    public int Sample(RequestSampler sampler, SafeLLamaContextHandle context, int batchIndex, in Utf8Guard utf8)
    {
        var logits = LlamaNative.GetLogitsIth(context, batchIndex);
        if (sampler.IsPlainGreedy && !utf8.InsideCharacter
            && TensorPrimitives.IndexOfMax(new ReadOnlySpan<float>(logits, _vocabulary)) is var best and >= 0
            && !IsInvalidStart(best) && Array.IndexOf(sampler.ExcludedTokens, best) < 0)
        {
            // The common greedy case is an argmax: no candidate array, no chain (what a native loop does).
            LlamaNative.SamplerAccept(sampler.Chain, best);
            return best;
        }

        var token = SampleWith(sampler, logits, utf8, constrainFirst: false);
        if (token >= 0 && sampler.Grammar != IntPtr.Zero && !GrammarAllows(sampler.Grammar, token, logits[token]))
        {
            token = SampleWith(sampler, logits, utf8, constrainFirst: true);
        }

        if (token < 0)
        {
            return -1;
        }

        if (sampler.Grammar != IntPtr.Zero)
        {
            LlamaNative.SamplerAccept(sampler.Grammar, token);
        }

        LlamaNative.SamplerAccept(sampler.Chain, token);
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

    private int SampleWith(RequestSampler sampler, float* logits, in Utf8Guard utf8, bool constrainFirst)
    {
        var count = Fill(logits, utf8, sampler.ExcludedTokens);
        var array = new LlamaNative.TokenDataArray { Data = _candidates, Size = (nuint)count, Selected = -1, Sorted = false };
        if (constrainFirst)
        {
            LlamaNative.SamplerApply(sampler.Grammar, &array);
        }

        LlamaNative.SamplerApply(sampler.Chain, &array);
        if (array.Selected < 0 || array.Selected >= (long)array.Size || float.IsNegativeInfinity(array.Data[array.Selected].Logit))
        {
            return -1;
        }

        return array.Data[array.Selected].Id;
    }

    // The candidates: every token, except byte tokens that cannot start a character; inside an incomplete character,
    // only the byte tokens that may continue it.
    private int Fill(float* logits, in Utf8Guard utf8, int[] excluded)
    {
        if (utf8.InsideCharacter)
        {
            var (low, high) = utf8.NextRange;
            var n = 0;
            for (var b = (int)low; b <= high; b++)
            {
                if (_byteTokens[b] is var id and >= 0)
                {
                    _candidates[n++] = new LlamaNative.TokenData { Id = id, Logit = logits[id], P = 0 };
                }
            }

            return n;
        }

        for (var i = 0; i < _vocabulary; i++)
        {
            _candidates[i] = new LlamaNative.TokenData { Id = i, Logit = logits[i], P = 0 };
        }

        for (var b = 0x80; b < 0x100; b++)
        {
            if (!Utf8Guard.IsValidStart(b) && _byteTokens[b] is var id and >= 0)
            {
                _candidates[id].Logit = float.NegativeInfinity;
            }
        }

        foreach (var id in excluded)
        {
            _candidates[id].Logit = float.NegativeInfinity;
        }

        return _vocabulary;
    }

    // A byte-fallback token that cannot start a character (a continuation byte, or a byte UTF-8 never uses).
    private bool IsInvalidStart(int token)
    {
        for (var b = 0x80; b < 0x100; b++)
        {
            if (_byteTokens[b] == token)
            {
                return !Utf8Guard.IsValidStart(b);
            }
        }

        return false;
    }

    private static bool GrammarAllows(IntPtr grammar, int token, float logit)
    {
        var single = new LlamaNative.TokenData { Id = token, Logit = logit, P = 0 };
        var array = new LlamaNative.TokenDataArray { Data = &single, Size = 1, Selected = -1, Sorted = false };
        LlamaNative.SamplerApply(grammar, &array);
        return !float.IsNegativeInfinity(single.Logit);
    }
}
