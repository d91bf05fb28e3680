using Gemma4.AI;
using Gemma4.AI.TestModels;
using Gemma4.AspNet;
using Gemma4.AspNet.OpenAI;
using Gemma4.Samples;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;

// An OpenAI-compatible HTTP service over Gemma 4: /v1/chat/completions, /v1/embeddings, /v1/models, /health.
// Loopback only by default (appsettings.json "Urls"); set Server:ApiKey (or GEMMA4_API_KEY) before exposing it.
// Gemma4:Remote (and Gemma4Embeddings:Remote) move the models to a serving engine by configuration alone.
var demo = args.Contains("--demo");
var builder = WebApplication.CreateBuilder([.. args.Where(a => a != "--demo")]);

// `dotnet run` starts in the project folder, where appsettings.json is; started from anywhere else
// (dotnet path/to/Gemma4.AspNet.dll) the settings next to the program still apply, below every other source.
var programSettings = new JsonConfigurationSource { Path = Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Optional = true };
programSettings.ResolveFileProvider();
builder.Configuration.Sources.Insert(0, programSettings);
if (demo)
{
    DemoBanner.Print();
    // Below the command line, so --demo --Gemma4:ContextSize 8192 (or another --Gemma4:ProjectorPath) still applies.
    var sources = builder.Configuration.Sources;
    var commandLine = sources.OfType<CommandLineConfigurationSource>().LastOrDefault() is { } source ? sources.IndexOf(source) : sources.Count;
    sources.Insert(commandLine, new MemoryConfigurationSource { InitialData = new Dictionary<string, string?>
    {
        ["Gemma4:ModelPath"] = TestModels.Gemma4(),
        ["Gemma4:ProjectorPath"] = TestModels.Projector(), // images and audio
        ["Gemma4:ContextSize"] = "4096",
        ["Gemma4:Threads"] = "1",
        ["Gemma4:Chat:DefaultGenerationOptions:MaxOutputTokens"] = "48",
        ["Gemma4:Chat:DefaultGenerationOptions:MaxConstrainedStringLength"] = "16", // random weights rarely close strings
        ["Gemma4Embeddings:ModelPath"] = TestModels.GemmaEmbedding(),
        ["Gemma4Embeddings:Threads"] = "1",
        ["Gemma4Embeddings:Embeddings:Threads"] = "1",
    } });
}

var server = builder.Configuration.GetSection("Server").Get<ServerSettings>() ?? new ServerSettings();
server.ApiKey = string.IsNullOrEmpty(server.ApiKey) ? Environment.GetEnvironmentVariable("GEMMA4_API_KEY") : server.ApiKey;

// No model path configured: download the catalogue models (and the chat model's projector) once, before the host starts.
if (!await EnsureModelAsync("Gemma4:ModelPath", server.ChatModel, Gemma4ModelCatalog.E2B)
    || (server.EmbeddingsEnabled && !await EnsureModelAsync("Gemma4Embeddings:ModelPath", server.EmbeddingModel, Gemma4ModelCatalog.EmbeddingGemma300M)))
{
    return 1;
}

builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = server.MaxRequestBodyBytes);
builder.Services.AddSingleton(server);
if (server.AllowRemoteMedia)
{
    builder.Services.AddSingleton<RemoteMedia>();
    builder.Services.AddHttpClient(RemoteMedia.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan) // RemoteMedia times each fetch
        .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { MaxAutomaticRedirections = 3, UseCookies = false });
}

builder.Services.AddGemma4ChatClient(builder.Configuration.GetSection("Gemma4"))
    .UseOpenTelemetry(sourceName: Telemetry.SourceName);
if (server.EmbeddingsEnabled)
{
    builder.Services.AddGemma4EmbeddingGenerator(builder.Configuration.GetSection("Gemma4Embeddings"))
        .UseOpenTelemetry(sourceName: Telemetry.SourceName);
}

builder.Services.AddHealthChecks().AddCheck<Gemma4HealthCheck>("gemma4");
Telemetry.Add(builder.Services, builder.Configuration);

var app = builder.Build();
app.UseStatusCodePages(OpenAIErrors.WriteStatusCodePageAsync); // 404/405 with no endpoint body get OpenAI's error object
app.UseMiddleware<ApiKeyMiddleware>();
app.MapOpenAI();
app.MapHealthChecks("/health");

try
{
    await app.StartAsync(); // loads the models (or probes the remote engines); a bad path or setting stops here with a message naming it
}
catch (Exception ex) when (ex is IOException or OptionsValidationException or Gemma4ModelLoadException or AggregateException or Gemma4RemoteException)
{
    Console.Error.WriteLine($"Gemma4.AspNet could not start: {ex.Message}");
    return 1;
}

Console.WriteLine($"Gemma4.AspNet listening on {string.Join(", ", app.Urls)} (OpenAI-compatible API under /v1{(string.IsNullOrEmpty(server.ApiKey) ? string.Empty : ", API key required")}). Ctrl+C stops it.");
await app.WaitForShutdownAsync();
return 0;

async Task<bool> EnsureModelAsync(string key, string name, Gemma4ModelFile fallback)
{
    // A section whose Remote:Endpoint is set runs its model on a serving engine (another Gemma4.AspNet, vLLM, …).
    var section = key[..key.LastIndexOf(':')];
    if (!string.IsNullOrEmpty(builder.Configuration[key]) || !string.IsNullOrEmpty(builder.Configuration[$"{section}:Remote:Endpoint"]))
    {
        return true;
    }

    var path = await ModelFiles.ResolveAsync(null, name, fallback, CancellationToken.None);
    builder.Configuration[key] = path;
    if (path is not null && key == "Gemma4:ModelPath" && server.DownloadProjector && string.IsNullOrEmpty(builder.Configuration["Gemma4:ProjectorPath"]))
    {
        // Without it the server still runs, for text only.
        builder.Configuration["Gemma4:ProjectorPath"] = await ModelFiles.ResolveProjectorAsync(name, fallback, CancellationToken.None);
    }

    return path is not null;
}
