using System.Runtime.InteropServices;
using Gemma4.AI.Native;
using LLama.Native;

namespace Gemma4.AI.Engine;

/// <summary>Builds a llama.cpp sampler chain for <see cref="SamplingParameters"/>, in llama.cpp's own order.</summary>
internal static unsafe class SamplerChainFactory
{
    private const uint RandomSeed = 0xFFFFFFFF;

    /// <summary>Creates the request's sampler: the chain, and the grammar kept apart from it (see <see cref="TokenSampler"/>).</summary>
    public static RequestSampler Create(SamplingParameters p, Gemma4Tokenizer tokenizer)
    {
        var chain = CreateChain(p);
        try
        {
            return p.Grammar is { } grammar
                ? new RequestSampler(chain, CreateGrammarSampler(tokenizer.Vocab, grammar), [.. SpecialTokensOutside(grammar, tokenizer).Union(p.ExcludedTokens)])
                : new RequestSampler(chain, IntPtr.Zero, [.. p.ExcludedTokens]) { IsPlainGreedy = p.Temperature <= 0 && !p.HasPenalties };
        }
        catch
        {
            chain.Dispose();
            throw;
        }
    }

    private static SafeLLamaSamplerChainHandle CreateChain(SamplingParameters p)
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        try
        {
            if (p.HasPenalties)
            {
                chain.AddPenalties(p.PenaltyLastN, p.RepeatPenalty, p.FrequencyPenalty, p.PresencePenalty);
            }

            if (p.Temperature <= 0)
            {
                chain.AddGreedySampler();
                return chain;
            }

            if (p.TopK > 0)
            {
                chain.AddTopK(p.TopK);
            }

            if (p.TopP < 1)
            {
                chain.AddTopP(p.TopP, 1);
            }

            if (p.MinP > 0)
            {
                chain.AddMinP(p.MinP, 1);
            }

            chain.AddTemperature(p.Temperature);
            chain.AddDistributionSampler(p.Seed ?? RandomSeed);
            return chain;
        }
        catch
        {
            chain.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates the native grammar sampler, or throws if llama.cpp rejects the grammar (it returns null then) with
    /// llama.cpp's parse error, which its parser writes to standard error rather than to the log.
    /// </summary>
    public static IntPtr CreateGrammarSampler(IntPtr vocab, GrammarConstraint grammar)
    {
        var sampler = InitGrammarSampler(vocab, grammar);
        if (sampler != IntPtr.Zero)
        {
            return sampler;
        }

        // Parse again with standard error captured (parsing is deterministic) to put llama.cpp's words in the exception.
        var retry = IntPtr.Zero;
        string printed;
        using (var log = NativeErrorCapture.Start())
        {
            printed = StandardErrorCapture.Run(() => retry = InitGrammarSampler(vocab, grammar));
            printed = string.Join(" ", new[] { printed.Trim(), log.Describe(string.Empty) }.Where(p => p.Length > 0));
        }

        if (retry != IntPtr.Zero)
        {
            return retry;
        }

        throw new ArgumentException(
            $"llama.cpp rejected the grammar (root rule '{grammar.Root}'): " + (printed.Length > 0 ? Excerpt(printed) : "it gave no reason."),
            nameof(grammar));
    }

    // The parser echoes the whole grammar after its error: keep the error and the start of the echo.
    private static string Excerpt(string text) => text.Length <= 600 ? text : text[..600] + "…";

    private static IntPtr InitGrammarSampler(IntPtr vocab, GrammarConstraint grammar)
    {
        IntPtr sampler;
        if (!grammar.IsLazy)
        {
            sampler = LlamaNative.SamplerInitGrammar(vocab, grammar.Gbnf, grammar.Root);
        }
        else
        {
            var patterns = grammar.TriggerPatterns ?? [];
            var tokens = grammar.TriggerTokens ?? [];
            var patternPointers = new IntPtr[patterns.Count];
            try
            {
                for (var i = 0; i < patterns.Count; i++)
                {
                    patternPointers[i] = Marshal.StringToCoTaskMemUTF8(patterns[i]);
                }

                var tokenArray = tokens.ToArray();
                fixed (IntPtr* pp = patternPointers)
                fixed (int* tp = tokenArray)
                {
                    sampler = LlamaNative.SamplerInitGrammarLazyPatterns(
                        vocab, grammar.Gbnf, grammar.Root, pp, (nuint)patternPointers.Length, tp, (nuint)tokenArray.Length);
                }
            }
            finally
            {
                foreach (var ptr in patternPointers)
                {
                    Marshal.FreeCoTaskMem(ptr);
                }
            }
        }

        return sampler;
    }

    /// <summary>Checks a grammar by building and freeing its sampler; throws like <see cref="CreateGrammarSampler"/>.</summary>
    /// <remarks>Token ids in <c>&lt;[id]&gt;</c> references are checked against the vocabulary first: llama.cpp accepts
    /// any number there and would read past its token table.</remarks>
    public static void Validate(Gemma4Tokenizer tokenizer, GrammarConstraint grammar)
    {
        foreach (var id in Grammar.GbnfTokenReferences.Find(grammar.Gbnf).Ids)
        {
            if ((uint)id >= (uint)tokenizer.VocabularySize)
            {
                throw new ArgumentException($"The grammar names token <[{id}]>, but the vocabulary has {tokenizer.VocabularySize} tokens.", nameof(grammar));
            }
        }

        LlamaNative.SamplerFree(CreateGrammarSampler(tokenizer.Vocab, grammar));
    }

    // The special tokens a restricted grammar must never produce: all but those it names and the end of generation.
    private static int[] SpecialTokensOutside(GrammarConstraint grammar, Gemma4Tokenizer tokenizer)
    {
        if (!grammar.RestrictSpecialTokens)
        {
            return [];
        }

        var (texts, ids) = Grammar.GbnfTokenReferences.Find(grammar.Gbnf);
        return tokenizer.SpecialTokens
            .Where(t => !tokenizer.IsEndOfGeneration(t.Id) && !ids.Contains(t.Id) && !texts.Contains(t.Text))
            .Select(t => t.Id)
            .ToArray();
    }
}
