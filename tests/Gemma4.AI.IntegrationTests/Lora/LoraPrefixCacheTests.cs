using Gemma4.AI.Engine;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Lora;

/// <summary>The persistent prefix cache holds base-model KV only: adapter requests neither save nor restore.</summary>
public sealed class LoraPrefixCacheTests
{
    private static readonly string Document = string.Join(' ', Enumerable.Range(0, 600).Select(i => $"w{i % 37}"));

    [Fact]
    public async Task AdapterRequest_DoesNotSaveItsPrompt_AndDoesNotRestoreTheBaseModelsSavedPrompt()
    {
        using var dir = new TempDirectory();
        using var model = await Gemma4Model.LoadAsync(Options(dir.Path));
        await model.LoadAdapterAsync(TestModels.TestModels.Lora(), "medical");
        using var client = new Gemma4ChatClient(model);

        // An adapter request with a long prompt saves nothing.
        var adapted = await client.GetResponseAsync(Document, Greedy().AddGemma4LoraAdapter("medical"));
        await Task.Delay(300);
        Assert.Empty(Directory.GetFiles(dir.Path, "*" + PrefixCacheFile.Extension));

        // The base model's request saves its prompt...
        await client.GetResponseAsync(Document, Greedy());
        for (var i = 0; i < 200 && Directory.GetFiles(dir.Path, "*" + PrefixCacheFile.Extension).Length == 0; i++)
        {
            await Task.Delay(25);
        }

        Assert.Single(Directory.GetFiles(dir.Path, "*" + PrefixCacheFile.Extension));

        // ...which a fresh model's adapter request does not restore, and answers as before.
        using var fresh = await Gemma4Model.LoadAsync(Options(dir.Path));
        await fresh.LoadAdapterAsync(TestModels.TestModels.Lora(), "medical");
        using var freshClient = new Gemma4ChatClient(fresh);
        var again = await freshClient.GetResponseAsync(Document, Greedy().AddGemma4LoraAdapter("medical"));
        Assert.Equal(0, again.Usage!.CachedInputTokenCount);
        Assert.Equal(adapted.Text, again.Text);
    }

    [Fact]
    public async Task StateRestoredForABaseRequestThatNeverRan_IsNotReusedByAnAdapterRequest()
    {
        using var dir = new TempDirectory();
        var logs = new LogCapture();
        var options = Options(dir.Path);
        options.MaxParallelSequences = 1; // one sequence: each request takes over the previous one's cells
        using var model = await Gemma4Model.LoadAsync(options, logs);
        var adapter = await model.LoadAdapterAsync(TestModels.TestModels.Lora());
        var prompt = LoraRuns.Prompt(model, Document);

        // The base model saves the prompt; an adapter request then decodes it cold in the same sequence.
        await LoraRuns.GreedyAsync(model, prompt, adapters: null, maxTokens: 4);
        for (var i = 0; i < 200 && Directory.GetFiles(dir.Path, "*" + PrefixCacheFile.Extension).Length == 0; i++)
        {
            await Task.Delay(25);
        }

        Assert.Single(Directory.GetFiles(dir.Path, "*" + PrefixCacheFile.Extension));
        var cold = await LoraRuns.GreedyAsync(model, prompt, [new(adapter)]);
        Assert.Equal(0, cold.Usage!.Value.CachedPromptTokens);

        // A base request restores the saved (base-model) state into that sequence, then fails before it is admitted:
        // llama.cpp rejects its grammar.
        var failing = new GenerationRequest(prompt)
        {
            Sampling = new SamplingParameters { Temperature = 0, Grammar = new GrammarConstraint("root ::= (") },
            MaxOutputTokens = 4,
        };
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var update in model.Engine.GenerateAsync(failing))
            {
            }
        });
        Assert.Contains(logs.Entries, e => e.Message.StartsWith("Prefix cache: restored", StringComparison.Ordinal));

        // Those cells hold the base model's KV: the adapter request decodes its prompt again and answers as before.
        var again = await LoraRuns.GreedyAsync(model, prompt, [new(adapter)]);
        Assert.Equal(0, again.Usage!.Value.CachedPromptTokens);
        Assert.Equal(cold.Tokens, again.Tokens);
    }

    private static ChatOptions Greedy() => new() { Temperature = 0, MaxOutputTokens = 12 };

    private static Gemma4ModelOptions Options(string directory)
    {
        var options = LoraRuns.Options();
        options.PrefixCacheDirectory = directory;
        options.PrefixCacheMinTokens = 256;
        return options;
    }
}
