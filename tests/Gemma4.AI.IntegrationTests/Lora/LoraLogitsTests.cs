using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.Native;
using LLama.Native;

namespace Gemma4.AI.IntegrationTests.Lora;

/// <summary>What an adapter does to the logits in the real llama.cpp: nothing at scale 0, something at scale 1.</summary>
public sealed class LoraLogitsTests
{
    [Fact]
    public async Task SetAdaptersLora_ScaleZero_LogitsIdenticalToBase_ScaleOne_Differ()
    {
        using var model = await Gemma4Model.LoadAsync(LoraRuns.Options());
        var adapter = await model.LoadAdapterAsync(TestModels.TestModels.Lora());
        var prompt = LoraRuns.Prompt(model, "Tell me about rivers.").Select(t => (LLama.Native.LLamaToken)t).ToArray();

        var baseLogits = Decode(model, prompt, adapter, scale: null);
        var zero = Decode(model, prompt, adapter, scale: 0f);
        var one = Decode(model, prompt, adapter, scale: 1f);

        // Scale 0 goes through llama.cpp itself (no managed shortcut): it leaves the adapter out of the graph.
        Assert.Equal(baseLogits, zero);
        var maxDifference = baseLogits.Zip(one, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDifference > 1e-3f, $"scale 1 changed the logits by at most {maxDifference:E2}");
    }

    [Fact]
    public async Task Engine_ScaleZeroRequest_MatchesBaseExactly_ScaleOneDiffers()
    {
        using var model = await Gemma4Model.LoadAsync(LoraRuns.Options());
        var adapter = await model.LoadAdapterAsync(TestModels.TestModels.Lora());
        var prompt = LoraRuns.Prompt(model, "Describe a mountain.");

        var plain = await LoraRuns.GreedyAsync(model, prompt, adapters: null);
        var zero = await LoraRuns.GreedyAsync(model, prompt, [new(adapter, 0f)]);
        var one = await LoraRuns.GreedyAsync(model, prompt, [new(adapter, 1f)]);

        Assert.Equal(plain.Tokens, zero.Tokens);
        Assert.Equal(plain.Gaps, zero.Gaps); // every step's top-2 logit gap, bit for bit
        Assert.NotEqual(plain.Gaps, one.Gaps);
    }

    private static float[] Decode(Gemma4Model model, LLama.Native.LLamaToken[] prompt, Gemma4LoraAdapter adapter, float? scale)
    {
        using var context = Llama.Context(model.Weights);
        if (scale is { } s)
        {
            Assert.Equal(0, LlamaNative.SetAdaptersLora(context.NativeHandle, [adapter.Handle], [s]));
        }

        return Llama.DecodeLastLogits(context, prompt);
    }
}
