// A console app that uses Gemma4.AI and Gemma4.AI.SemanticKernel as a package consumer does: restored from a
// package feed by version, nothing from the repository. PackageConsumerTests copies this folder outside the
// repository, builds it and runs it on the tiny generated model; each line it prints is checked there.
using System.ComponentModel;
using Gemma4.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

var modelPath = args.Length == 1 ? args[0] : throw new ArgumentException("usage: PackageConsumer MODEL.gguf");
void Configure(Gemma4ModelOptions o)
{
    o.ModelPath = modelPath;
    o.ContextSize = 2048;
    o.Threads = 1;
    o.BatchSize = 512;
    o.MicroBatchSize = 512;
    o.MaxParallelSequences = 2;
}

// The chat client: a grammar forces the answer, so the random-weight model's reply is known.
var options = new Gemma4ModelOptions();
Configure(options);
using (var model = await Gemma4Model.LoadAsync(options))
using (IChatClient client = new Gemma4ChatClient(model))
{
    var response = await client.GetResponseAsync("Ping?", new ChatOptions
    {
        MaxOutputTokens = 16,
        Temperature = 0,
        RawRepresentationFactory = _ => new Gemma4GenerationOptions { Grammar = "root ::= \"pong\"" },
    });
    Console.WriteLine($"chat: {response.Text} ({response.FinishReason}, model {response.ModelId})");
}

// Where llama.cpp was loaded from: the natives must come from the backend package, copied into this app's output.
var native = File.Exists("/proc/self/maps")
    ? File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
        .FirstOrDefault(p => p is not null && Path.GetFileName(p).StartsWith("libllama", StringComparison.Ordinal))
    : Directory.EnumerateFiles(AppContext.BaseDirectory, "*llama*", SearchOption.AllDirectories).FirstOrDefault();
Console.WriteLine($"native: {native}");
Console.WriteLine($"output: {AppContext.BaseDirectory}");
Console.WriteLine($"devices: {string.Join(", ", Gemma4Backends.Devices().Select(d => d.Name))}");

// Semantic Kernel: FunctionChoiceBehavior.Required makes the model call the plugin (grammar-enforced), SK invokes it.
var builder = Kernel.CreateBuilder();
builder.AddGemma4ChatCompletion(Configure, serviceId: "gemma");
var probe = new ProbePlugin();
builder.Plugins.AddFromObject(probe, "probe");
var kernel = builder.Build();
var settings = new PromptExecutionSettings
{
    ServiceId = "gemma",
    FunctionChoiceBehavior = FunctionChoiceBehavior.Required(),
    ExtensionData = new Dictionary<string, object> { ["max_tokens"] = 24, ["temperature"] = 0 },
};
var result = await kernel.InvokePromptAsync("Call the probe.", new KernelArguments(settings));
var reply = result.GetValue<ChatMessageContent>();
Console.WriteLine($"kernel: {probe.Calls} plugin call(s), reply from {reply?.ModelId}, finish {reply?.Metadata?["FinishReason"]}");
await ((ServiceProvider)kernel.Services).DisposeAsync();

internal sealed class ProbePlugin
{
    private int _calls;

    public int Calls => _calls;

    [KernelFunction("ping")]
    [Description("Answers pong.")]
    public string Ping()
    {
        Interlocked.Increment(ref _calls);
        return "pong";
    }
}
