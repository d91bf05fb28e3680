using Gemma4.AI.Engine;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Chat;

/// <summary>Concurrent requests decode together, each exactly as if it ran alone.</summary>
public sealed class ConcurrencyTests
{
    // llama.cpp's batched floating point differs from a solo decode by up to ~5e-4 in a logit (measured on this
    // model when single generated tokens of several sequences share a micro-batch), so a greedy choice between two
    // logits closer than that can legitimately flip. Eight times that margin counts as a near-tie.
    private const float NearTie = 0.004f;

    [Fact]
    public async Task EightConcurrentGreedyRequests_MatchTheirSoloRuns_UpToTheFirstNearTie()
    {
        var path = TestModels.TestModels.Gemma4();
        var options = TinyChatModel.Options(path);
        using var model = await Gemma4Model.LoadAsync(options);
        var formatter = new Formatting.Gemma4PromptFormatter(model.TemplateVariant);
        var prompts = Enumerable.Range(0, 8)
            .Select(i => model.Tokenizer.Tokenize(formatter.FormatPrompt([new ChatMessage(ChatRole.User, $"Question {i}: what about {i * 7}?")])))
            .ToArray();

        var solo = new List<(int[] Tokens, List<float> Gaps)>();
        foreach (var prompt in prompts)
        {
            using var fresh = await Gemma4Model.LoadAsync(options);
            solo.Add(await RunAsync(fresh.Engine, prompt, gaps: true));
        }

        var concurrent = await Task.WhenAll(prompts.Select(p => RunAsync(model.Engine, p, gaps: false)));

        var compared = 0;
        for (var i = 0; i < prompts.Length; i++)
        {
            var (expected, gaps) = solo[i];
            var actual = concurrent[i].Tokens;
            var firstNearTie = gaps.FindIndex(g => g < NearTie);
            var length = firstNearTie < 0 ? expected.Length : firstNearTie;
            var diverged = expected.AsSpan(0, length).CommonPrefixLength(actual);
            Assert.True(diverged == length,
                $"request {i} diverged from its solo run at token {diverged} (solo logit gap there {(diverged < gaps.Count ? gaps[diverged] : float.NaN):E2}, solo {expected.Length} tokens, concurrent {actual.Length}, gaps {gaps.Count}), before any near-tie (first at {firstNearTie})");
            compared += length;
        }

        // Most steps of a random model are far from ties: the comparison covers most of the output.
        Assert.True(compared >= prompts.Length * 32 / 2, $"only {compared} tokens were compared");
    }

    private static async Task<(int[] Tokens, List<float> Gaps)> RunAsync(InferenceEngine engine, int[] prompt, bool gaps)
    {
        var recorded = gaps ? new List<float>() : null;
        var request = new GenerationRequest(prompt)
        {
            Sampling = new SamplingParameters { Temperature = 0 },
            MaxOutputTokens = 32,
            LogitGaps = recorded,
        };
        var tokens = new List<int>();
        await foreach (var update in engine.GenerateAsync(request))
        {
            if (update.Token >= 0)
            {
                tokens.Add(update.Token);
            }
        }

        return (tokens.ToArray(), recorded ?? []);
    }
}
