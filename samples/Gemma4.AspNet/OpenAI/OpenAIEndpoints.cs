using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gemma4.AspNet.OpenAI;

/// <summary>Maps the OpenAI-compatible endpoints under <c>/v1</c>; failures become OpenAI error objects (<see cref="OpenAIExceptionMap"/>).</summary>
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
        v1.MapGet("/models", (HttpContext context) => Guard(context, () => ModelsEndpoint.ListAsync(context)));
        v1.MapGet("/models/{**id}", (HttpContext context, string id) => Guard(context, () => ModelsEndpoint.RetrieveAsync(context, id)));
        return app;
    }

    private static async Task Guard(HttpContext context, Func<Task> handle)
    {
        try
        {
            await handle();
        }
        catch (Exception ex) when (!context.Response.HasStarted && ex is not OperationCanceledException)
        {
            if (OpenAIExceptionMap.Classify(ex) is not { } error)
            {
                // A bug or a native failure: log it, and still answer with an error object (OpenAI clients read and retry 5xx).
                LogFailure(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OpenAIEndpoints)), ex, context.Request.Path);
                error = new OpenAIError(500, "The server had an error while processing the request.");
            }

            await OpenAIErrors.WriteAsync(context.Response, error);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Path} failed")]
    private static partial void LogFailure(ILogger logger, Exception exception, PathString path);
}
