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

    // The projector published next to the model: images and audio. The chat still works without it.
    settings.ProjectorPath ??= await ModelFiles.ResolveProjectorAsync(settings.Download, Gemma4ModelCatalog.E2B, CancellationToken.None);
}

if (settings.ModelPath is null && !settings.Demo)
{
    Console.Error.WriteLine(ChatSettings.NoModelHelp);
    return 1;
}

string? demoPicture = null;
if (settings.Demo)
{
    DemoBanner.Print();
    settings.ModelPath = DemoModel.Create();
    settings.ProjectorPath ??= DemoModel.Projector();
    demoPicture = DemoModel.Picture();
}

var options = new Gemma4ModelOptions
{
    ModelPath = settings.ModelPath!,
    ProjectorPath = settings.ProjectorPath,
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
    if (model.SupportsImages || model.SupportsAudio)
    {
        var media = model.SupportsImages && model.SupportsAudio ? "images and audio" : model.SupportsImages ? "images" : "audio";
        Console.WriteLine($"Projector {Path.GetFileName(model.ProjectorPath)}: {media}. {Attachments.Help}");
    }

    if (demoPicture is not null)
    {
        Console.WriteLine($"Demo picture: {demoPicture}");
    }
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
    var attachments = new Attachments();
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

        if (attachments.TryAttach(line, Console.Out))
        {
            continue;
        }

        history.Add(attachments.TakeMessage(line));
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
            Console.Write($"\n[{response.FinishReason}; {response.Usage?.InputTokenCount} in ({response.Usage?.CachedInputTokenCount} cached), {response.Usage?.OutputTokenCount} out{MediaUsage(response.Usage)}]");
            Console.ResetColor();
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("\n[cancelled]");
            history.RemoveAt(history.Count - 1);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or Gemma4ContextOverflowException)
        {
            // A picture the decoder cannot read, a type it does not take, no projector, a message too long: say so and go on.
            Console.Write($"\n[not sent: {ex.Message}]");
            history.RemoveAt(history.Count - 1);
        }
    }
}

return 0;

// "; 48 image tokens" after the usage when the prompt had media (UsageDetails.AdditionalCounts, docs/multimodal.md).
static string MediaUsage(UsageDetails? usage)
{
    long Count(string key) => usage?.AdditionalCounts?.TryGetValue(key, out var n) == true ? n : 0;
    var images = Count("gemma4.input_image_tokens");
    var audio = Count("gemma4.input_audio_tokens");
    if (images + audio == 0)
    {
        return string.Empty;
    }

    var parts = new List<string>();
    if (images > 0)
    {
        parts.Add($"{images} image tokens");
    }

    if (audio > 0)
    {
        parts.Add($"{audio} audio tokens");
    }

    return "; " + string.Join(", ", parts);
}
