// An ASP.NET Core app that uses Gemma4.AI as a package consumer does (see Program.cs for the console one): the chat
// client and the embedding generator registered from configuration, an image request, a [LoggerMessage] method, a
// health check, and a remote registration (OpenAI-compatible) that talks to an endpoint this app serves from its
// in-process model. PackageConsumerTests builds it outside the repository, runs it, and checks each line it prints.
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Gemma4.AI;
using Microsoft.Extensions.AI;

// The address is chosen before the host is built, because the remote registration's endpoint is configuration.
using var probe = new TcpListener(IPAddress.Loopback, 0);
probe.Start();
var address = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
probe.Stop();

var builder = WebApplication.CreateBuilder(args); // --Gemma4:ModelPath, --Gemma4:ProjectorPath, --Embeddings:ModelPath, --Image
builder.WebHost.UseUrls(address);
builder.Logging.ClearProviders();
builder.Configuration["Remote:Remote:Engine"] = "OpenAICompatible";
builder.Configuration["Remote:Remote:Endpoint"] = address + "/v1";
builder.Configuration["Remote:Remote:Model"] = "gemma4-tiny-test";
builder.Configuration["Remote:Remote:ProbeOnStart"] = "false";

builder.Services.AddGemma4ChatClient(builder.Configuration.GetSection("Gemma4")).UseLogging();
builder.Services.AddKeyedGemma4ChatClient("remote", builder.Configuration.GetSection("Remote"));
builder.Services.AddGemma4EmbeddingGenerator(builder.Configuration.GetSection("Embeddings"));
builder.Services.AddHealthChecks().AddCheck<Gemma4HealthCheck>("gemma4");

var app = builder.Build();
var pong = new ChatOptions
{
    MaxOutputTokens = 8,
    Temperature = 0,
    RawRepresentationFactory = _ => new Gemma4GenerationOptions { Grammar = "root ::= \"pong\"" },
};

// A minimal OpenAI-compatible server over the in-process model, for the remote registration (and its health check) to call.
app.MapPost("/v1/chat/completions", async (HttpRequest request, IChatClient local, ILogger<Program> logger) =>
{
    var body = await JsonNode.ParseAsync(request.Body);
    var question = body!["messages"]!.AsArray()[^1]!["content"]!.ToString();
    var answer = await local.GetResponseAsync(question, pong);
    Log.Answered(logger, question, answer.Text);
    return Results.Json(new JsonObject
    {
        ["id"] = "chatcmpl-consumer",
        ["object"] = "chat.completion",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = answer.ModelId,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = $"{answer.Text} to {question}" },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject
        {
            ["prompt_tokens"] = answer.Usage?.InputTokenCount,
            ["completion_tokens"] = answer.Usage?.OutputTokenCount,
            ["total_tokens"] = answer.Usage?.TotalTokenCount,
        },
    });
});
app.MapGet("/v1/models", () => Results.Json(new JsonObject
{
    ["object"] = "list",
    ["data"] = new JsonArray(new JsonObject { ["id"] = "gemma4-tiny-test", ["object"] = "model", ["created"] = 0, ["owned_by"] = "consumer" }),
}));
app.MapHealthChecks("/health");

await app.StartAsync(); // loads both models

var chat = app.Services.GetRequiredService<IChatClient>();
var image = new DataContent(await File.ReadAllBytesAsync(app.Configuration["Image"]!), "image/png");
var seen = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, [image, new TextContent("What is this?")])], pong);
Console.WriteLine($"image: {seen.Text}, {seen.Usage?.AdditionalCounts?[UsageKeys.InputImageTokens]} image tokens");

var remote = app.Services.GetRequiredKeyedService<IChatClient>("remote");
var relayed = await remote.GetResponseAsync("Ping?");
Console.WriteLine($"remote: {relayed.Text} ({remote.GetService<Gemma4RemoteChatClient>()?.Engine}, {relayed.FinishReason}, model {relayed.ModelId})");

var embeddings = await app.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["one", "two"]);
Console.WriteLine($"embeddings: {embeddings.Count} x {embeddings[0].Vector.Length}");

using (var http = new HttpClient())
{
    using var health = await http.GetAsync(address + "/health");
    Console.WriteLine($"health: {(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}");
}

await app.StopAsync();

// The app's own source-generated logging: CS0757 here when two [LoggerMessage] generators run (buildTransitive's fix).
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Answered {Question} with {Answer}")]
    public static partial void Answered(ILogger logger, string question, string answer);
}
