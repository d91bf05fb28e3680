using Gemma4.AI.Engine;
using Gemma4.AI.IntegrationTests.Support;
using Gemma4.AI.Lora;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Lora;

/// <summary>Greedy engine runs with a chosen adapter set, recording tokens and each step's top-2 logit gap.</summary>
internal static class LoraRuns
{
    public static Gemma4ModelOptions Options(string? path = null) => TinyChatModel.Options(path ?? TestModels.TestModels.Gemma4());

    public static int[] Prompt(Gemma4Model model, string text)
    {
        var formatter = new Formatting.Gemma4PromptFormatter(model.TemplateVariant);
        return model.Tokenizer.Tokenize(formatter.FormatPrompt([new ChatMessage(ChatRole.User, text)]));
    }

    public static async Task<Run> GreedyAsync(Gemma4Model model, int[] prompt, IEnumerable<Gemma4AdapterScale>? adapters, int maxTokens = 32)
    {
        var gaps = new List<float>();
        var request = new GenerationRequest(prompt)
        {
            Adapters = AdapterSet.Create(model, adapters),
            Sampling = new SamplingParameters { Temperature = 0 },
            MaxOutputTokens = maxTokens,
            LogitGaps = gaps,
        };
        var tokens = new List<int>();
        GenerationUsage? usage = null;
        await foreach (var update in model.Engine.GenerateAsync(request))
        {
            if (update.Token >= 0)
            {
                tokens.Add(update.Token);
            }

            if (update.IsFinal)
            {
                usage = update.Usage;
            }
        }

        return new Run([.. tokens], gaps, usage);
    }

    /// <summary>The tokens of <paramref name="actual"/> agree with <paramref name="solo"/> up to the first near-tie of the solo run.</summary>
    public static int AssertMatchesUpToNearTie(Run solo, Run actual, string what, float nearTie = 0.004f)
    {
        var firstNearTie = solo.Gaps.FindIndex(g => g < nearTie);
        var length = firstNearTie < 0 ? solo.Tokens.Length : Math.Min(firstNearTie, solo.Tokens.Length);
        var diverged = solo.Tokens.AsSpan(0, length).CommonPrefixLength(actual.Tokens);
        Assert.True(diverged == length,
            $"{what}: diverged from its solo run at token {diverged} (solo gap there {(diverged < solo.Gaps.Count ? solo.Gaps[diverged] : float.NaN):E2}), before the first near-tie (at {firstNearTie})");
        return length;
    }

    internal sealed record Run(int[] Tokens, List<float> Gaps, GenerationUsage? Usage);
}
