using System.Text;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.IntegrationTests.Embeddings;

/// <summary>The embedding generator against the real llama.cpp, on generated EmbeddingGemma and Gemma 4 models.</summary>
public sealed class Gemma4EmbeddingGeneratorTests(EmbeddingModelsFixture models) : IClassFixture<EmbeddingModelsFixture>
{
    private const double NormTolerance = 1e-5;

    // llama.cpp's batched arithmetic is not batch-invariant: mean pooling is a matrix product over every token of the
    // micro-batch, and attention kernels sum in an order that depends on where a sequence sits in the batch, so a text
    // embedded alone and the same text embedded among 31 others differ in the last bits (measured: cosine >= 0.999996).
    private const double SameTextCosine = 0.9999;

    [Theory]
    [MemberData(nameof(EmbeddingModelsFixture.Kinds), MemberType = typeof(EmbeddingModelsFixture))]
    public async Task GenerateAsync_SameCallTwice_BitwiseIdenticalVectors(string kind)
    {
        using var generator = models.Generator(kind);
        var texts = SampleTexts.Create(32);

        var first = await generator.GenerateAsync(texts);
        var second = await generator.GenerateAsync(texts);
        var aloneFirst = await generator.GenerateAsync([texts[5]]);
        var aloneSecond = await generator.GenerateAsync([texts[5]]);

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(first[i].Vector.Span.SequenceEqual(second[i].Vector.Span), $"text {i} changed between identical calls");
        }

        Assert.True(aloneFirst[0].Vector.Span.SequenceEqual(aloneSecond[0].Vector.Span));
    }

    [Theory]
    [MemberData(nameof(EmbeddingModelsFixture.Kinds), MemberType = typeof(EmbeddingModelsFixture))]
    public async Task GenerateAsync_TextAloneVsInBatchOf32_SameVectorUpToLastBits(string kind)
    {
        using var generator = models.Generator(kind);
        var texts = SampleTexts.Create(32);

        var batch = await generator.GenerateAsync(texts);

        foreach (var i in new[] { 0, 13, 31 })
        {
            var alone = await generator.GenerateAsync([texts[i]]);
            Assert.True(Vectors.Cosine(alone[0].Vector.Span, batch[i].Vector.Span) > SameTextCosine,
                $"text {i}: cosine {Vectors.Cosine(alone[0].Vector.Span, batch[i].Vector.Span):R}");
        }
    }

    [Theory]
    [MemberData(nameof(EmbeddingModelsFixture.Kinds), MemberType = typeof(EmbeddingModelsFixture))]
    public async Task GenerateAsync_OneSequencePerDecode_TextAloneVsInBatchBitwiseIdentical(string kind)
    {
        using var generator = models.Generator(kind, o => o.MaxParallelSequences = 1);
        var texts = SampleTexts.Create(32);

        var batch = await generator.GenerateAsync(texts);

        foreach (var i in new[] { 0, 13, 31 })
        {
            var alone = await generator.GenerateAsync([texts[i]]);
            Assert.True(alone[0].Vector.Span.SequenceEqual(batch[i].Vector.Span), $"text {i} differs from its batched vector");
        }
    }

    [Theory]
    [MemberData(nameof(EmbeddingModelsFixture.Kinds), MemberType = typeof(EmbeddingModelsFixture))]
    public async Task GenerateAsync_DifferentTexts_DifferentVectors(string kind)
    {
        using var generator = models.Generator(kind);

        var result = await generator.GenerateAsync(["The weather in Paris is sunny.", "def add(a, b): return a + b", "Les élèves étudient à l'école."]);

        for (var i = 0; i < result.Count; i++)
        {
            for (var j = i + 1; j < result.Count; j++)
            {
                Assert.True(Vectors.Cosine(result[i].Vector.Span, result[j].Vector.Span) < SameTextCosine, $"texts {i} and {j} embed alike");
            }
        }
    }

    [Theory]
    [MemberData(nameof(EmbeddingModelsFixture.Kinds), MemberType = typeof(EmbeddingModelsFixture))]
    public async Task GenerateAsync_Vectors_HaveModelWidthAndUnitNorm(string kind)
    {
        using var generator = models.Generator(kind);

        var result = await generator.GenerateAsync(SampleTexts.Create(40));

        Assert.Equal(40, result.Count);
        Assert.Equal(models.Model(kind).EmbeddingLength, generator.ModelDimensions);
        Assert.All(result, e =>
        {
            Assert.Equal(generator.ModelDimensions, e.Vector.Length);
            Assert.InRange(Vectors.Norm(e.Vector.Span), 1 - NormTolerance, 1 + NormTolerance);
        });
    }

    [Theory]
    [MemberData(nameof(EmbeddingModelsFixture.Kinds), MemberType = typeof(EmbeddingModelsFixture))]
    public async Task GenerateAsync_Dimensions64_TruncatesAndRenormalises(string kind)
    {
        using var generator = models.Generator(kind);
        var text = SampleTexts.Create(1);

        var full = await generator.GenerateAsync(text);
        var small = await generator.GenerateAsync(text, new EmbeddingGenerationOptions { Dimensions = 64 });

        var vector = small[0].Vector.Span;
        Assert.Equal(64, vector.Length);
        Assert.InRange(Vectors.Norm(vector), 1 - NormTolerance, 1 + NormTolerance);
        var prefix = full[0].Vector.Span[..64];
        var scale = 1 / Vectors.Norm(prefix);
        for (var i = 0; i < 64; i++)
        {
            Assert.Equal(prefix[i] * scale, vector[i], 1e-6);
        }
    }

    [Fact]
    public async Task GenerateAsync_DimensionsOutOfRange_ThrowsNamingTheValue()
    {
        using var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma);

        var tooWide = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = generator.ModelDimensions + 1 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 0 }));

        Assert.Contains((generator.ModelDimensions + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), tooWide.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DefaultDimensionsWiderThanModel_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => models.Generator(EmbeddingModelsFixture.EmbeddingGemma, o => o.Dimensions = 100_000));

        Assert.Contains("100000", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EmbeddingModelsFixture.Kinds), MemberType = typeof(EmbeddingModelsFixture))]
    public async Task GenerateAsync_Usage_EqualsTokenizerCounts(string kind)
    {
        using var generator = models.Generator(kind);
        var model = models.Model(kind);
        var texts = SampleTexts.Create(10);

        var result = await generator.GenerateAsync(texts);

        // LLamaSharp's tokenizer with add_special adds BOS/EOS exactly as the vocabulary asks: the reference count.
        var expected = texts.Sum(t => model.Weights.Tokenize(t, true, false, Encoding.UTF8).Length);
        Assert.Equal(expected, result.Usage!.InputTokenCount);
        Assert.Equal(expected, result.Usage.TotalTokenCount);
        Assert.Equal(expected, texts.Sum(t => generator.CountTokens(t)));
    }

    [Theory]
    [MemberData(nameof(EmbeddingModelsFixture.Kinds), MemberType = typeof(EmbeddingModelsFixture))]
    public async Task GenerateAsync_Embeddings_CarryModelIdAndCreatedAt(string kind)
    {
        using var generator = models.Generator(kind);
        var before = DateTimeOffset.UtcNow;

        var result = await generator.GenerateAsync(SampleTexts.Create(3));

        Assert.All(result, e =>
        {
            Assert.Equal(models.Model(kind).ModelId, e.ModelId);
            Assert.NotNull(e.CreatedAt);
            Assert.InRange(e.CreatedAt!.Value, before, DateTimeOffset.UtcNow);
        });
    }

    [Fact]
    public async Task GenerateAsync_EmptyList_EmptyResultWithoutDecoding()
    {
        using var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma);

        var result = await generator.GenerateAsync([]);

        Assert.Empty(result);
        Assert.Equal(0, result.Usage!.InputTokenCount);
        Assert.Equal(0, generator.Engine.DecodeCount);
    }

    [Theory]
    [MemberData(nameof(EmbeddingModelsFixture.Kinds), MemberType = typeof(EmbeddingModelsFixture))]
    public async Task GenerateAsync_EmptyString_UnitVectorOfTheSpecialTokensAlone(string kind)
    {
        using var generator = models.Generator(kind);

        var result = await generator.GenerateAsync([string.Empty, "Hello", string.Empty]);

        Assert.InRange(Vectors.Norm(result[0].Vector.Span), 1 - NormTolerance, 1 + NormTolerance);
        Assert.True(Vectors.Cosine(result[0].Vector.Span, result[2].Vector.Span) > SameTextCosine);
        Assert.True(Vectors.Cosine(result[0].Vector.Span, result[1].Vector.Span) < SameTextCosine);
        Assert.Equal(generator.CountTokens(string.Empty), models.Model(kind).Weights.Tokenize(string.Empty, true, false, Encoding.UTF8).Length);
        Assert.InRange(generator.CountTokens(string.Empty), 1, 2); // BOS, plus EOS where the vocabulary adds it
    }

    [Fact]
    public async Task GenerateAsync_InputLongerThanContext_ThrowsNamingIndexAndTokenCount()
    {
        using var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma, o => o.BatchSize = 64);
        var longText = string.Join(' ', Enumerable.Repeat("The model reads the whole conversation.", 20));
        var tokens = generator.CountTokens(longText);

        var ex = await Assert.ThrowsAsync<Gemma4EmbeddingInputTooLongException>(() => generator.GenerateAsync(["short", "also short", longText]));

        Assert.Equal(2, ex.InputIndex);
        Assert.Equal(tokens, ex.TokenCount);
        Assert.Equal(64, ex.MaxTokens);
        Assert.Equal(64, generator.MaxInputTokens);
        Assert.Contains("Input 2 has " + tokens, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, generator.Engine.DecodeCount); // refused before anything reached llama.cpp

        // The generator keeps working.
        Assert.Single(await generator.GenerateAsync(["short"]));
    }

    [Theory]
    [MemberData(nameof(EmbeddingModelsFixture.Kinds), MemberType = typeof(EmbeddingModelsFixture))]
    public async Task GenerateAsync_TruncationOn_EmbedsTheFirstTokensThatFit(string kind)
    {
        using var generator = models.Generator(kind, o => o.BatchSize = 64);
        var longText = string.Join(' ', Enumerable.Repeat("The model reads the whole conversation.", 20));

        var result = await generator.GenerateAsync(
            [longText, "short"],
            new EmbeddingGenerationOptions { RawRepresentationFactory = _ => new Gemma4EmbeddingRequestOptions { Truncation = Gemma4EmbeddingTruncation.Truncate } });

        Assert.Equal(2, result.Count);
        Assert.Equal(64 + generator.CountTokens("short"), result.Usage!.InputTokenCount);
        Assert.InRange(Vectors.Norm(result[0].Vector.Span), 1 - NormTolerance, 1 + NormTolerance);
    }

    [Fact]
    public async Task GenerateAsync_UndefinedTruncation_ThrowsNamingTheSetting()
    {
        // An undefined value used to truncate silently (anything but Throw did).
        using var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma);
        var options = new EmbeddingGenerationOptions { RawRepresentationFactory = _ => new Gemma4EmbeddingRequestOptions { Truncation = (Gemma4EmbeddingTruncation)7 } };

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.GenerateAsync(["short"], options));

        Assert.Contains("Gemma4EmbeddingRequestOptions.Truncation must be Throw or Truncate; got 7.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_NullInput_ThrowsNamingIndex()
    {
        using var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["a", null!]));

        Assert.Contains("Input 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_AlreadyCancelled_ThrowsWithoutDecoding()
    {
        using var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(["a"], cancellationToken: new CancellationToken(true)));

        Assert.Equal(0, generator.Engine.DecodeCount);
    }

    [Theory]
    [MemberData(nameof(EmbeddingModelsFixture.Kinds), MemberType = typeof(EmbeddingModelsFixture))]
    public async Task GenerateAsync_CancelledWhileRunning_ThrowsAndGeneratorKeepsWorking(string kind)
    {
        using var generator = models.Generator(kind, o => o.MaxParallelSequences = 2);
        var texts = SampleTexts.Create(2000);
        using var cts = new CancellationTokenSource();

        var running = generator.GenerateAsync(texts, cancellationToken: cts.Token);
        while (generator.Engine.DecodeCount < 2)
        {
            await Task.Delay(1);
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        // The loop dropped the rest of the cancelled call: far fewer decodes than the ~1000 it needed.
        await Task.Delay(50);
        var decodes = generator.Engine.DecodeCount;
        Assert.True(decodes < 500, $"{decodes} decodes after cancelling");
        var after = await generator.GenerateAsync(SampleTexts.Create(3));
        Assert.Equal(3, after.Count);
    }

    [Theory]
    [MemberData(nameof(EmbeddingModelsFixture.Kinds), MemberType = typeof(EmbeddingModelsFixture))]
    public async Task GenerateAsync_SixteenConcurrentCallers_GetTheSequentialVectors(string kind)
    {
        using var generator = models.Generator(kind);
        var calls = Enumerable.Range(0, 16).Select(c => SampleTexts.Create(1 + (c % 5), offset: c * 10)).ToArray();
        var sequential = new List<GeneratedEmbeddings<Embedding<float>>>();
        foreach (var texts in calls)
        {
            sequential.Add(await generator.GenerateAsync(texts));
        }

        var decodesBefore = generator.Engine.DecodeCount;
        using var start = new ManualResetEventSlim();
        var tasks = calls.Select(texts => Task.Run(async () =>
        {
            start.Wait();
            return await generator.GenerateAsync(texts);
        })).ToArray();
        start.Set();
        var concurrent = await Task.WhenAll(tasks);
        var decodes = generator.Engine.DecodeCount - decodesBefore;

        for (var c = 0; c < calls.Length; c++)
        {
            Assert.Equal(calls[c].Length, concurrent[c].Count);
            Assert.Equal(sequential[c].Usage!.InputTokenCount, concurrent[c].Usage!.InputTokenCount);
            for (var i = 0; i < calls[c].Length; i++)
            {
                // Shared decodes change the batch composition, so only the last bits may differ (see SameTextCosine).
                Assert.True(Vectors.Cosine(sequential[c][i].Vector.Span, concurrent[c][i].Vector.Span) > SameTextCosine, $"call {c} text {i}");
            }
        }

        Assert.True(decodes <= calls.Length, $"{decodes} decodes for {calls.Length} concurrent calls");
    }

    [Fact]
    public async Task GenerateAsync_TaskPrompts_PrefixTheInputAsDocumented()
    {
        using var plain = models.Generator(EmbeddingModelsFixture.EmbeddingGemma);
        using var queries = models.Generator(EmbeddingModelsFixture.EmbeddingGemma, o => o.Task = Gemma4EmbeddingTask.Query);
        const string Text = "What is the weather like in Paris today?";

        var manual = await plain.GenerateAsync(["task: search result | query: " + Text]);
        var query = await queries.GenerateAsync([Text]);
        var perCall = await plain.GenerateAsync([Text], new EmbeddingGenerationOptions
        {
            RawRepresentationFactory = _ => new Gemma4EmbeddingRequestOptions { Task = Gemma4EmbeddingTask.Query },
        });
        var document = await plain.GenerateAsync([Text], new EmbeddingGenerationOptions
        {
            RawRepresentationFactory = _ => new Gemma4EmbeddingRequestOptions { Task = Gemma4EmbeddingTask.Document },
        });
        var custom = await plain.GenerateAsync([Text], new EmbeddingGenerationOptions
        {
            RawRepresentationFactory = _ => new Gemma4EmbeddingRequestOptions { TaskPrefix = "title: none | text: " },
        });
        var none = await plain.GenerateAsync([Text]);

        Assert.True(manual[0].Vector.Span.SequenceEqual(query[0].Vector.Span));
        Assert.True(manual[0].Vector.Span.SequenceEqual(perCall[0].Vector.Span));
        Assert.True(document[0].Vector.Span.SequenceEqual(custom[0].Vector.Span));
        Assert.False(none[0].Vector.Span.SequenceEqual(query[0].Vector.Span));
        Assert.Equal(plain.CountTokens("task: search result | query: " + Text), query.Usage!.InputTokenCount);
        Assert.Equal(query.Usage.InputTokenCount, queries.CountTokens(Text));
    }

    [Fact]
    public async Task GenerateAsync_ControlTokenTextInInput_IsEmbeddedAsPlainText()
    {
        using var generator = models.Generator(EmbeddingModelsFixture.Gemma4);
        var model = models.Gemma4Model;
        const string Text = "<|turn>user\nhi<turn|>";

        var result = await generator.GenerateAsync([Text]);

        // Only BOS is special; the markers are spelled out with ordinary tokens.
        Assert.Equal(1 + model.CountTokens(Text), result.Usage!.InputTokenCount);
        Assert.True(model.CountTokens(Text) > 3);
    }

    [Fact]
    public void GetService_ReturnsMetadataModelAndSelf()
    {
        using var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma, o => o.Dimensions = 32);

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("gemma4", metadata.ProviderName);
        Assert.Equal(models.EmbeddingModel.ModelId, metadata.DefaultModelId);
        Assert.Equal(32, metadata.DefaultModelDimensions);
        Assert.Same(models.EmbeddingModel, generator.GetService<Gemma4Model>());
        Assert.Same(generator, generator.GetService<Gemma4EmbeddingGenerator>());
        Assert.Same(generator, generator.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Null(generator.GetService<EmbeddingGeneratorMetadata>("key"));
        Assert.Null(generator.GetService<string>());
    }

    [Fact]
    public async Task GenerateAsync_GeneratorDefaultDimensions_AppliesToEveryCall()
    {
        using var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma, o => o.Dimensions = 32);

        var result = await generator.GenerateAsync(["a", "b"]);

        Assert.All(result, e => Assert.Equal(32, e.Vector.Length));
    }

    [Fact]
    public async Task GenerateAsync_NormalizeOff_ReturnsLlamaCppPooledVector()
    {
        using var raw = models.Generator(EmbeddingModelsFixture.EmbeddingGemma, o => o.Normalize = false);
        using var normalised = models.Generator(EmbeddingModelsFixture.EmbeddingGemma);

        var a = (await raw.GenerateAsync(["The model answers."]))[0].Vector.ToArray();
        var b = (await normalised.GenerateAsync(["The model answers."]))[0].Vector.ToArray();

        Assert.NotInRange(Vectors.Norm(a), 1 - 1e-3, 1 + 1e-3);
        var scale = 1 / Vectors.Norm(a);
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i] * scale, b[i], 1e-6);
        }
    }

    [Fact]
    public async Task Dispose_ThenGenerate_ThrowsObjectDisposedAndLeavesTheSharedModelUsable()
    {
        var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma);
        generator.Dispose();
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["a"]));

        using var another = models.Generator(EmbeddingModelsFixture.EmbeddingGemma);
        Assert.Single(await another.GenerateAsync(["a"]));
    }

    [Fact]
    public async Task Dispose_WhileCallsRun_FailsThemWithObjectDisposed()
    {
        var generator = models.Generator(EmbeddingModelsFixture.EmbeddingGemma, o => o.MaxParallelSequences = 2);
        var running = generator.GenerateAsync(SampleTexts.Create(2000));
        while (generator.Engine.DecodeCount < 1)
        {
            await Task.Delay(1);
        }

        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => running);
    }

    [Fact]
    public async Task Dispose_OwningGenerator_DisposesTheModel()
    {
        var model = EmbeddingModelsFixture.Load(TestModels.TestModels.GemmaEmbedding());
        var generator = new Gemma4EmbeddingGenerator(model, new Gemma4EmbeddingGeneratorOptions { Threads = 1, BatchSize = 128, OwnsModel = true });
        Assert.Single(await generator.GenerateAsync(["a"]));

        generator.Dispose();

        Assert.Throws<ObjectDisposedException>(() => model.CountTokens("a"));
    }

    [Fact]
    public async Task Gemma4Model_ChatContextAndEmbeddingContext_WorkSideBySide()
    {
        using var generator = models.Generator(EmbeddingModelsFixture.Gemma4);
        using var chat = new Gemma4ChatClient(models.Gemma4Model);

        var embeddingTask = generator.GenerateAsync(SampleTexts.Create(50));
        var response = await chat.GetResponseAsync("Hello", new ChatOptions { MaxOutputTokens = 4, Temperature = 0 });
        var embeddings = await embeddingTask;

        Assert.Equal(50, embeddings.Count);
        Assert.NotNull(response.FinishReason);
    }

    [Fact]
    public void Options_OutOfRange_ThrowNamingTheSetting()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => models.Generator(EmbeddingModelsFixture.EmbeddingGemma, o => o.MaxParallelSequences = 0));

        Assert.Contains("MaxParallelSequences", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => models.Generator(EmbeddingModelsFixture.EmbeddingGemma, o => o.BatchSize = 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => models.Generator(EmbeddingModelsFixture.EmbeddingGemma, o => o.Threads = 0));

        // More sequences than a decode has tokens: llama.cpp would abort the process (n_outputs_max assert).
        var sequences = Assert.Throws<ArgumentOutOfRangeException>(() => models.Generator(EmbeddingModelsFixture.EmbeddingGemma, o => (o.BatchSize, o.MaxParallelSequences) = (8, 16)));
        Assert.Contains("MaxParallelSequences", sequences.Message, StringComparison.Ordinal);
    }
}
