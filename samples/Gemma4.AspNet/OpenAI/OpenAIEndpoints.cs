using Gemma4.AI;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gemma4.AspNet.OpenAI;

/// <summary>Maps the OpenAI-compatible endpoints under <c>/v1</c>; failures become OpenAI error objects.</summary>
internal static partial class OpenAIEndpoints
{
    public static IEndpointRouteBuilder MapOpenAI(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/chat/completions", (HttpContext context) =>
            Guard(context, () => ChatCompletionsEndpoint.HandleAsync(context, context.RequestServices.GetRequiredService<IChatClient>())));
        v1.MapPost("/embeddings", (HttpContext context) => Guard(context, () =>
            context.RequestServices.GetService<IEmbeddingGenerator<string, Embedding<float>>>() is { } generator
                ? EmbeddingsEndpoint.HandleAsync(context, generator)
                : throw new OpenAIRequestException("This server has no embedding model (Server:EmbeddingModel is none).", statusCode: 404)));
        v1.MapGet("/models", (HttpContext context) => Guard(context, () => ModelsEndpoint.HandleAsync(context)));
        return app;
    }

    private static async Task Guard(HttpContext context, Func<Task> handle)
    {
        try
        {
            await handle();
        }
        catch (Exception ex) when (!context.Response.HasStarted && Classify(ex) is var (status, param, code))
        {
            await OpenAIErrors.WriteAsync(context.Response, status, ex.Message, param, code);
        }
        catch (Exception ex) when (!context.Response.HasStarted && ex is not OperationCanceledException)
        {
            // A bug or a native failure: log it, and still answer with an error object (OpenAI clients read and retry 5xx).
            LogFailure(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OpenAIEndpoints)), ex, context.Request.Path);
            await OpenAIErrors.WriteAsync(context.Response, 500, "The server had an error while processing the request.");
        }
    }

    private static (int Status, string? Param, string? Code)? Classify(Exception ex) => ex switch
    {
        OpenAIRequestException r => (r.StatusCode, r.Param, r.Code),
        Gemma4ContextOverflowException => (400, "messages", "context_length_exceeded"),
        Gemma4QueueFullException => (503, null, "server_overloaded"), // QueueFullBehavior = Throw; clients back off and retry 503
        ArgumentException => (400, null, null), // for example tool_choice "required" without tools
        NotSupportedException => (400, null, null), // a JSON schema feature the grammar cannot enforce (pattern, minItems over 1000)
        OperationCanceledException => null,
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "{Path} failed")]
    private static partial void LogFailure(ILogger logger, Exception exception, PathString path);
}
