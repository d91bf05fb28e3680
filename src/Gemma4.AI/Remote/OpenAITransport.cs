using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace Gemma4.AI.Remote;

/// <summary>
/// OpenAI-shaped engines (vLLM, llama-server, any OpenAI-compatible server) through the official OpenAI .NET client:
/// its chat and embeddings protocol methods carry the bodies the dialect wrote, and its pipeline (auth, headers,
/// error handling, network timeout) carries the probes.
/// </summary>
internal sealed class OpenAITransport : RemoteTransport
{
    private readonly ChatClient _chat;
    private readonly EmbeddingClient _embeddings;

    public OpenAITransport(Gemma4RemoteOptions options, RemoteDialect dialect, HttpClient httpClient)
        : base(options, dialect)
    {
        BaseAddress = ApiBase(options.Endpoint!);
        var clientOptions = PipelineOptions(new OpenAIClientOptions { Endpoint = BaseAddress }, httpClient, options);

        // The model named here is only a default: every body the dialect writes names its model.
        var model = options.Model ?? "gemma4";
        if (options.ApiKey is not { Length: > 0 })
        {
            // The OpenAI client always authenticates; with no key configured, send no Authorization header at all
            // rather than a made-up one.
            clientOptions.AddPolicy(NoAuthorizationHeader.Instance, PipelinePosition.BeforeTransport);
        }

        var credential = new ApiKeyCredential(options.ApiKey is { Length: > 0 } key ? key : "none");
        _chat = new ChatClient(model, credential, clientOptions);
        _embeddings = new EmbeddingClient(model, credential, clientOptions);
    }

    public override Uri BaseAddress { get; }

    protected override string ChatPath => "chat/completions";

    protected override string EmbeddingsPath => "embeddings";

    /// <summary>The API base: the endpoint as given, or with <c>/v1</c> appended when it has no path; always ending in '/'.</summary>
    public static Uri ApiBase(Uri endpoint)
    {
        var text = endpoint.GetLeftPart(UriPartial.Path);
        if (endpoint.AbsolutePath is "/" or "")
        {
            text = text.TrimEnd('/') + "/v1";
        }

        return new Uri(text.EndsWith('/') ? text : text + "/");
    }

    protected override async Task<PipelineResponse> SendCoreAsync(string path, Uri uri, BinaryData? body, bool stream, CancellationToken cancellationToken)
    {
        var options = new RequestOptions { CancellationToken = cancellationToken, ErrorOptions = ClientErrorBehaviors.NoThrow, BufferResponse = !stream };
        if (path == ChatPath)
        {
            using var content = BinaryContent.Create(body!);
            return (await _chat.CompleteChatAsync(content, options).ConfigureAwait(false)).GetRawResponse();
        }

        if (path == EmbeddingsPath)
        {
            using var content = BinaryContent.Create(body!);
            return (await _embeddings.GenerateEmbeddingsAsync(content, options).ConfigureAwait(false)).GetRawResponse();
        }

        // Probes (/v1/models, llama-server's /props) go through the same pipeline.
        return await SendThroughAsync(_chat.Pipeline, uri, body, stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the Authorization header, for servers run without an API key.</summary>
    private sealed class NoAuthorizationHeader : PipelinePolicy
    {
        public static readonly NoAuthorizationHeader Instance = new();

        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Remove("Authorization");
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Remove("Authorization");
            return ProcessNextAsync(message, pipeline, currentIndex);
        }
    }
}
