using Gemma4.AI;
using Gemma4.Chat;
using Gemma4.Samples;
using Microsoft.Extensions.AI;

// A console chat over a Gemma 4 GGUF: streams tokens as they arrive. Ctrl+C cancels an answer; EOF (Ctrl+D) exits.
var settings = ChatSettings.Parse(args);
if (settings is null)
{
    return 2;
}

if (settings.ModelPath is null && settings.Download is not null)
{
    settings.ModelPath = await ModelFiles.ResolveAsync(null, settings.Download, Gemma4ModelCatalog.E2B, CancellationToken.None);
    if (settings.ModelPath is null)
    {
        return 1;
    }
}

if (settings.ModelPath is null && !settings.Demo)
{
    Console.Error.WriteLine(ChatSettings.NoModelHelp);
    return 1;
}

if (settings.Demo)
{
    DemoBanner.Print();
    settings.ModelPath = DemoModel.Create();
}

var options = new Gemma4ModelOptions
{
    ModelPath = settings.ModelPath!,
    ContextSize = settings.ContextSize,
    Threads = settings.Threads,
    GpuLayerCount = settings.GpuLayers,
};

Gemma4Model model;
try
{
    using var bar = new ProgressBar("Loading " + Path.GetFileName(options.ModelPath));
    model = await Gemma4Model.LoadAsync(options, progress: bar);
}
catch (Exception ex) when (ex is Gemma4ModelLoadException or ArgumentException)
{
    Console.Error.WriteLine($"Could not load the model: {ex.Message}");
    return 1;
}

using (model)
{
    Console.WriteLine($"{model.ModelId}: {model.Architecture}, {model.Quantization}, context {model.ContextSize} tokens. Type a message; Ctrl+D to quit.");
    using var client = new Gemma4ChatClient(model);
    var history = new List<ChatMessage>();
    if (settings.System is { } system)
    {
        history.Add(new ChatMessage(ChatRole.System, system));
    }

    var chatOptions = new ChatOptions
    {
        Temperature = settings.Temperature,
        MaxOutputTokens = settings.MaxTokens,
        Seed = settings.Seed,
        Reasoning = settings.Think ? new ReasoningOptions { Effort = ReasoningEffort.Medium } : null,
    };

    using var cancel = new AnswerCancellation();
    while (true)
    {
        Console.Write("\n> ");
        var line = Console.ReadLine();
        if (line is null)
        {
            Console.WriteLine();
            break; // stdin closed
        }

        if (string.IsNullOrWhiteSpace(line))
        {
            continue;
        }

        history.Add(new ChatMessage(ChatRole.User, line));
        var updates = new List<ChatResponseUpdate>();
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync(history, chatOptions, cancel.Next()))
            {
                updates.Add(update);
                foreach (var content in update.Contents)
                {
                    switch (content)
                    {
                        case TextReasoningContent reasoning:
                            Console.ForegroundColor = ConsoleColor.DarkGray;
                            Console.Write(ConsoleText.Printable(reasoning.Text, "\n"));
                            Console.ResetColor();
                            break;
                        case TextContent text:
                            Console.Write(ConsoleText.Printable(text.Text, "\n"));
                            break;
                    }
                }
            }

            var response = updates.ToChatResponse();
            history.AddMessages(response);
            Console.ForegroundColor = ConsoleColor.DarkGray;
            Console.Write($"\n[{response.FinishReason}; {response.Usage?.InputTokenCount} in ({response.Usage?.CachedInputTokenCount} cached), {response.Usage?.OutputTokenCount} out]");
            Console.ResetColor();
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("\n[cancelled]");
            history.RemoveAt(history.Count - 1);
        }
    }
}

return 0;
