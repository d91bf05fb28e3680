using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.TestModels;

namespace Gemma4.AI.IntegrationTests.Lora;

/// <summary>Requests with different adapters share one model without bleeding into each other.</summary>
public sealed class LoraConcurrencyTests
{
    [Fact]
    public async Task ConcurrentRequestsWithDifferentAdapters_EachMatchesItsSoloRun()
    {
        var medicalPath = TestModels.TestModels.Lora(TinyLoraSpec.Default with { Seed = 11, Name = "medical" });
        var legalPath = TestModels.TestModels.Lora(TinyLoraSpec.Default with { Seed = 12, Name = "legal", Alpha = 16 });
        var questions = new[] { "What is a fever?", "What is a contract?", "What is a tort?", "What is a cold?", "What is rain?", "What is a lease?" };

        // Solo: each request alone in a fresh model, adapters loaded the same way.
        var solo = new List<LoraRuns.Run>();
        for (var i = 0; i < questions.Length; i++)
        {
            using var fresh = await Gemma4Model.LoadAsync(LoraRuns.Options());
            var adapters = Choose(i, await fresh.LoadAdapterAsync(medicalPath), await fresh.LoadAdapterAsync(legalPath));
            solo.Add(await LoraRuns.GreedyAsync(fresh, LoraRuns.Prompt(fresh, questions[i]), adapters));
        }

        using var model = await Gemma4Model.LoadAsync(LoraRuns.Options());
        var medical = await model.LoadAdapterAsync(medicalPath);
        var legal = await model.LoadAdapterAsync(legalPath);
        var concurrent = await Task.WhenAll(questions.Select((q, i) => LoraRuns.GreedyAsync(model, LoraRuns.Prompt(model, q), Choose(i, medical, legal))));

        var compared = 0;
        for (var i = 0; i < questions.Length; i++)
        {
            compared += LoraRuns.AssertMatchesUpToNearTie(solo[i], concurrent[i], $"request {i} ({Describe(i)})");
        }

        Assert.True(compared >= questions.Length * 32 / 2, $"only {compared} tokens were compared");
        Assert.True(model.Engine.AdapterSwitches >= 2, $"the context switched adapters only {model.Engine.AdapterSwitches} times");
    }

    [Fact]
    public async Task SamePrompt_WithAnotherAdapter_DoesNotReuseTheCachedPrefix()
    {
        using var model = await Gemma4Model.LoadAsync(LoraRuns.Options());
        var adapter = await model.LoadAdapterAsync(TestModels.TestModels.Lora());
        var prompt = LoraRuns.Prompt(model, "A question asked twice.");

        var plainFirst = await LoraRuns.GreedyAsync(model, prompt, adapters: null);
        var adapted = await LoraRuns.GreedyAsync(model, prompt, [new(adapter)]);
        var plainAgain = await LoraRuns.GreedyAsync(model, prompt, adapters: null);
        var adaptedAgain = await LoraRuns.GreedyAsync(model, prompt, [new(adapter)]);

        // KV cells computed with other weights are never reused; cells computed with the same ones are.
        Assert.Equal(0, adapted.Usage!.Value.CachedPromptTokens);
        Assert.Equal(prompt.Length - 1, plainAgain.Usage!.Value.CachedPromptTokens);
        Assert.Equal(prompt.Length - 1, adaptedAgain.Usage!.Value.CachedPromptTokens);
        Assert.Equal(plainFirst.Tokens, plainAgain.Tokens);
        Assert.Equal(adapted.Tokens, adaptedAgain.Tokens);
        Assert.NotEqual(plainFirst.Gaps, adapted.Gaps);
    }

    // Base model, medical, legal, both at once: four different sets in flight.
    private static Gemma4AdapterScale[]? Choose(int i, Gemma4LoraAdapter medical, Gemma4LoraAdapter legal) => (i % 4) switch
    {
        0 => [new(medical)],
        1 => [new(legal)],
        2 => null,
        _ => [new(medical, 0.5f), new(legal, 0.5f)],
    };

    private static string Describe(int i) => (i % 4) switch
    {
        0 => "medical",
        1 => "legal",
        2 => "base",
        _ => "medical+legal",
    };
}
