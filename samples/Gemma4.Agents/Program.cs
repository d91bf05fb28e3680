using Gemma4.Agents;
using Gemma4.Agents.Plugins;
using Gemma4.AI;
using Gemma4.AI.TestModels;
using Gemma4.Samples;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

// The same tools through Semantic Kernel (plugins + FunctionChoiceBehavior) and Microsoft Agent Framework
// (ChatClientAgent), on one Gemma 4 model loaded once and shared by both.
var settings = AgentSettings.Parse(args);
if (settings is null)
{
    return 2;
}

if (settings.Demo)
{
    DemoBanner.Print();
    settings.ModelPath = TestModels.Gemma4();
}

settings.ModelPath = await ModelFiles.ResolveAsync(settings.ModelPath, settings.Download, Gemma4ModelCatalog.E2B, CancellationToken.None);
if (settings.ModelPath is null)
{
    return 1;
}

void ConfigureModel(Gemma4ModelOptions o)
{
    o.ModelPath = settings.ModelPath;
    o.ContextSize = settings.ContextSize;
    o.Threads = settings.Threads;
    o.GpuLayerCount = settings.GpuLayers;
}

var printer = new ToolCallPrinter();
var builder = Kernel.CreateBuilder();
builder.AddGemma4ChatCompletion(ConfigureModel, serviceId: "gemma");
builder.Services.AddKeyedGemma4ChatClient("agent", ConfigureModel); // equal options: the same loaded model
builder.Services.AddSingleton<IFunctionInvocationFilter>(printer);
builder.Plugins.AddFromType<CalculatorPlugin>("calculator");
builder.Plugins.AddFromType<WeatherPlugin>("weather");
using var sampleWorkspace = settings.Folder is null ? SampleWorkspace.Create() : null;
var folder = settings.Folder ?? sampleWorkspace!.Path;
builder.Plugins.AddFromObject(new FilesPlugin(folder), "files");
var kernel = builder.Build();

Console.WriteLine("Loading the model...");
IChatClient agentClient;
try
{
    agentClient = kernel.Services.GetRequiredKeyedService<IChatClient>("agent");
}
catch (Exception ex) when (ex is Gemma4ModelLoadException or ArgumentException or Microsoft.Extensions.Options.OptionsValidationException)
{
    Console.Error.WriteLine($"Could not load the model: {ex.Message}");
    return 1;
}

var model = agentClient.GetService<Gemma4Model>()!;
Console.WriteLine($"{model.ModelId}: {model.Quantization}, context {model.ContextSize} tokens. Tools: {string.Join(", ", kernel.Plugins.SelectMany(p => p).Select(f => $"{f.PluginName}.{f.Name}"))}");
Console.WriteLine(sampleWorkspace is null ? $"Workspace: {folder}" : $"Workspace: {folder} (sample files; --folder DIR lists yours)");

// Random weights never choose to call a tool: --demo requires one (the grammar then forces a valid call).
var choice = new FunctionChoiceBehaviorOptions { AllowParallelCalls = true, AllowConcurrentInvocation = true };
var behavior = settings.Demo ? FunctionChoiceBehavior.Required(options: choice) : FunctionChoiceBehavior.Auto(options: choice);
ChatToolMode toolMode = settings.Demo ? ChatToolMode.RequireAny : ChatToolMode.Auto;

Header($"Semantic Kernel: plugins with FunctionChoiceBehavior.{(settings.Demo ? "Required" : "Auto")}");
printer.Caller = "Semantic Kernel";
foreach (var think in new[] { false, true })
{
    const string question = "What is 12.5 times 8, and what is the weather in Oslo?";
    Console.WriteLine($"\n> {question}   (thinking {(think ? "on" : "off")})");
    var result = await kernel.InvokePromptAsync(question, new KernelArguments(new GemmaExecutionSettings(settings, think)
    {
        ServiceId = "gemma",
        FunctionChoiceBehavior = behavior,
    }));
    Console.WriteLine($"Answer: {ConsoleText.Printable(result.GetValue<string>()?.Trim(), Environment.NewLine)}");
}

Header($"Microsoft Agent Framework: ChatClientAgent with ToolMode {(settings.Demo ? "RequireAny" : "Auto")}");
printer.Caller = null; // the agent's calls are printed from its response messages below
var agentCalls = 0;
var agent = new ChatClientAgent(agentClient, new ChatClientAgentOptions
{
    Name = "assistant",
    ChatOptions = new ChatOptions
    {
        Instructions = "You are a helpful assistant. Use the tools for arithmetic, weather and files.",
        Tools = [.. kernel.Plugins.SelectMany(p => p.AsAIFunctions(kernel))],
    },
    AllowConcurrentInvocation = true, // parallel calls run at the same time
});
(string Question, bool Think, bool Parallel)[] runs =
[
    ("What is 7 divided by 2?", false, false),
    ("Which files are in my workspace?", true, false),
    ("What is the weather in Oslo, Paris and Lima?", false, true),
];
foreach (var (question, think, parallel) in runs)
{
    Console.WriteLine($"\n> {question}   (thinking {(think ? "on" : "off")}{(parallel ? ", parallel calls allowed" : string.Empty)})");
    var options = new ChatOptions { ToolMode = toolMode, AllowMultipleToolCalls = parallel };
    RequestOptions.Apply(options, settings, think);
    var response = await agent.RunAsync(question, session: null, new ChatClientAgentRunOptions(options));
    foreach (var message in response.Messages)
    {
        var calls = message.Contents.OfType<Microsoft.Extensions.AI.FunctionCallContent>().ToList();
        if (calls.Count > 1)
        {
            Console.WriteLine($"  (the model asked for {calls.Count} calls in one turn; they ran concurrently)");
        }

        foreach (var call in calls)
        {
            agentCalls++;
            ToolCallPrinter.PrintCall(agentCalls, "ChatClientAgent", call.Name, call.Arguments?.Select(a => (a.Key, a.Value)) ?? []);
        }

        foreach (var result in message.Contents.OfType<Microsoft.Extensions.AI.FunctionResultContent>())
        {
            ToolCallPrinter.PrintResult(result.Result);
        }

        foreach (var reasoning in message.Contents.OfType<TextReasoningContent>().Where(r => r.Text.Length > 0))
        {
            Console.ForegroundColor = ConsoleColor.DarkGray;
            Console.WriteLine($"  thinking: {ConsoleText.Printable(reasoning.Text.Trim(), Environment.NewLine)}");
            Console.ResetColor();
        }
    }

    Console.WriteLine($"Answer: {ConsoleText.Printable(response.Text.Trim(), Environment.NewLine)}");
}

Console.WriteLine();
Console.WriteLine($"Tool calls through Semantic Kernel: {printer.CallsByCaller.GetValueOrDefault("Semantic Kernel")}");
Console.WriteLine($"Tool calls through ChatClientAgent: {agentCalls}");
await ((IAsyncDisposable)kernel.Services).DisposeAsync();
return 0;

static void Header(string title)
{
    Console.WriteLine();
    Console.WriteLine(new string('=', title.Length + 6));
    Console.WriteLine($"== {title} ==");
    Console.WriteLine(new string('=', title.Length + 6));
}
