using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Gemma4.AI.Remote;

/// <summary>llama.cpp's <c>llama-server</c> with its Jinja chat templates (<c>--jinja</c>, the default in current builds).</summary>
/// <remarks>
/// Thinking: <c>chat_template_kwargs.enable_thinking</c>, always written (llama-server otherwise thinks whenever the
/// template can). Reasoning comes back in <c>reasoning_content</c> and goes back in it. Extras: <c>min_p</c>,
/// <c>repeat_penalty</c>, <c>repeat_last_n</c> and a GBNF <c>grammar</c> (<see cref="Gemma4GenerationOptions.Grammar"/>).
/// Embeddings: a second server with <c>--embeddings --pooling mean</c> (no <c>dimensions</c>: vectors are cut here).
/// The probe also reads <c>/props</c>, to warn when the loaded chat template is not Gemma 4's.
/// </remarks>
internal sealed class LlamaServerDialect : OpenAIChatDialect
{
    public static readonly LlamaServerDialect Instance = new();

    public override Gemma4RemoteEngine Engine => Gemma4RemoteEngine.LlamaServer;

    public override string ProviderName => "llama.cpp";

    public override string DisplayName => "llama-server";

    protected override string HistoryReasoningField => "reasoning_content";

    protected override bool TakesDimensions => false;

    protected override void WriteThinking(JsonObject body, ChatOptions? options, bool preserveThinking) =>
        ChatTemplateKwargs.Write(body, IsThinking(options), preserveThinking);

    protected override string RepeatPenaltyField => "repeat_penalty";

    protected override void WriteExtras(JsonObject body, Gemma4GenerationOptions generation)
    {
        base.WriteExtras(body, generation);
        RemoteJson.AddIfSet(body, "repeat_last_n", generation.PenaltyLastN);
        if (generation.Grammar is { Length: > 0 } grammar)
        {
            body.TryAdd("grammar", grammar);
        }
    }

    public override async Task<RemoteServerInfo> ProbeAsync(RemoteTransport transport, string? model, CancellationToken cancellationToken)
    {
        var info = await base.ProbeAsync(transport, model, cancellationToken).ConfigureAwait(false);

        // /props only adds a warning: a gateway that exposes just /v1 (or a body that is not llama-server's) must not
        // fail a start-up whose model /v1/models has just listed.
        JsonDocument props;
        try
        {
            using var response = await transport.SendAsync("../props", body: null, stream: false, cancellationToken).ConfigureAwait(false);
            props = RemoteJson.ParseBody(response.Content, this, transport.BaseAddress);
        }
        catch (Gemma4RemoteException ex)
        {
            return info with { Description = info.Description + $"; its chat template was not checked ({ex.Message})" };
        }

        using var _ = props;
        var template = props.RootElement.String("chat_template") ?? string.Empty;
        var build = props.RootElement.String("build_info");
        var gemma = template.Contains("<|turn>", StringComparison.Ordinal);
        return info with
        {
            Description = info.Description + (build is null ? string.Empty : $" (build {build})") +
                (gemma ? string.Empty : "; WARNING: its chat template is not Gemma 4's (load a Gemma 4 GGUF, with --jinja)"),
        };
    }

    // One model per server (unless run as a router): llama-server answers whatever name a request gives, so a name
    // that differs from its only model is not an error.
    protected override string ChooseModel(RemoteTransport transport, string? model, List<string> ids) =>
        model is not null && ids.Count == 1 ? model : base.ChooseModel(transport, model, ids);
}
