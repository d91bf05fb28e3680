using System.ClientModel;
using System.ClientModel.Primitives;

namespace Gemma4.AI.Remote;

/// <summary>
/// Ollama's native API (<c>/api/chat</c>, <c>/api/embed</c>, <c>/api/show</c>) over a System.ClientModel pipeline,
/// the same machinery the OpenAI client runs on: bearer auth when a key is set, the network timeout, no retries of
/// its own.
/// </summary>
internal sealed class OllamaTransport : RemoteTransport
{
    private readonly ClientPipeline _pipeline;

    public OllamaTransport(Gemma4RemoteOptions options, RemoteDialect dialect, HttpClient httpClient)
        : base(options, dialect)
    {
        var root = options.Endpoint!.GetLeftPart(UriPartial.Path);
        BaseAddress = new Uri(root.EndsWith('/') ? root : root + "/");
        PipelinePolicy[] auth = options.ApiKey is { Length: > 0 } key
            ? [ApiKeyAuthenticationPolicy.CreateBearerAuthorizationPolicy(new ApiKeyCredential(key))]
            : [];
        _pipeline = ClientPipeline.Create(PipelineOptions(new ClientPipelineOptions(), httpClient, options), auth, [], []);
    }

    public override Uri BaseAddress { get; }

    protected override string ChatPath => "api/chat";

    protected override string EmbeddingsPath => "api/embed";

    protected override Task<PipelineResponse> SendCoreAsync(string path, Uri uri, BinaryData? body, bool stream, CancellationToken cancellationToken) =>
        SendThroughAsync(_pipeline, uri, body, stream, cancellationToken);
}
