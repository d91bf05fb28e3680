using Gemma4.AI;
using Gemma4.AI.TestModels;
using Gemma4.Rag;
using Gemma4.Samples;

// Question answering over a folder of .txt/.md files: EmbeddingGemma vectors in SQLite, answers from Gemma 4 with
// either whole documents in a long context ("stuff") or the top-k chunks ("retrieve"), with citations.
var settings = RagSettings.Parse(args);
if (settings is null)
{
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

string? scratch = null;
if (settings.Demo)
{
    DemoBanner.Print();
    scratch = Directory.CreateTempSubdirectory("gemma4-rag-demo-").FullName;
    if (settings.DocumentsFolder is null)
    {
        settings.DocumentsFolder = Path.Combine(scratch, "docs");
        Console.WriteLine($"Wrote {DemoDocuments.Write(settings.DocumentsFolder)} demo documents to {settings.DocumentsFolder}.");
    }

    settings.DatabasePath ??= Path.Combine(scratch, "rag.db");
    settings.ModelPath ??= TestModels.Gemma4();
    settings.EmbeddingModelPath ??= TestModels.GemmaEmbedding();
}

try
{
    if (settings.DocumentsFolder is null || !Directory.Exists(settings.DocumentsFolder))
    {
        Console.Error.WriteLine(settings.DocumentsFolder is null ? "Give a folder of documents with --docs FOLDER (or run --demo)." : $"No folder '{settings.DocumentsFolder}'.");
        return 1;
    }

    var chatPath = await ModelFiles.ResolveAsync(settings.ModelPath, settings.Download, Gemma4ModelCatalog.E2B, cancel.Token);
    var embeddingPath = chatPath is null ? null
        : await ModelFiles.ResolveAsync(settings.EmbeddingModelPath, null, Gemma4ModelCatalog.EmbeddingGemma300M, cancel.Token);
    if (chatPath is null || embeddingPath is null)
    {
        return 1;
    }

    using var chatModel = await LoadAsync(chatPath, settings.ContextSize, cancel.Token);
    using var embeddingModel = await LoadAsync(embeddingPath, 512, cancel.Token);
    if (chatModel is null || embeddingModel is null)
    {
        return 1;
    }

    using var embedder = new Gemma4EmbeddingGenerator(embeddingModel, new Gemma4EmbeddingGeneratorOptions
    {
        BatchSize = settings.EmbeddingBatchSize ?? 2048,
        Threads = settings.Threads,
    });
    using var store = new DocumentStore(settings.DatabasePath ?? "gemma4-rag.db");
    store.UseEmbeddingModel(embeddingModel.ModelId, embedder.ModelDimensions);
    await Ingestor.IngestAsync(settings.DocumentsFolder, store, embedder, cancel.Token);

    var documents = store.Documents();
    using var chat = new Gemma4ChatClient(chatModel);
    var conversation = new RagConversation(chat, chatModel, new Retriever(store.Chunks(), embedder), documents, settings);
    Console.WriteLine($"{chatModel.ModelId} answers in {settings.Mode.ToString().ToLowerInvariant()} mode over {documents.Count} documents. Ask a question; Ctrl+D to quit.");

    var questions = settings.Questions.Count > 0 ? settings.Questions : ReadLines();
    foreach (var question in questions)
    {
        Console.WriteLine($"\n> {question}");
        await conversation.AskAsync(question, cancel.Token);
    }

    return 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("\nCancelled.");
    return 130;
}
finally
{
    if (scratch is not null)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(scratch, recursive: true);
    }
}

async Task<Gemma4Model?> LoadAsync(string path, int contextSize, CancellationToken cancellationToken)
{
    try
    {
        using var bar = new ProgressBar("Loading " + Path.GetFileName(path));
        return await Gemma4Model.LoadAsync(new Gemma4ModelOptions
        {
            ModelPath = path,
            ContextSize = contextSize,
            MaxParallelSequences = 2,
            Threads = settings.Threads,
            GpuLayerCount = settings.GpuLayers,
        }, progress: bar, cancellationToken: cancellationToken);
    }
    catch (Exception ex) when (ex is Gemma4ModelLoadException or ArgumentException)
    {
        Console.Error.WriteLine($"Could not load the model: {ex.Message}");
        return null;
    }
}

static IEnumerable<string> ReadLines()
{
    while (Console.ReadLine() is { } line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            yield return line.Trim();
        }
    }
}
