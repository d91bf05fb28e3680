using Gemma4.AI.IntegrationTests.Support;

namespace Gemma4.AI.IntegrationTests.Samples;

/// <summary>
/// The official OpenAI Node SDK (tests/openai-node/check.mjs, npm package <c>openai</c>) against the ASP.NET sample:
/// one case per check of the script, so each shows in the test totals.
/// </summary>
[Collection(AspNetSampleServer.Name)]
public sealed class AspNetSampleOpenAINodeTests(AspNetSampleFixture server)
{
    private static readonly string[] CheckNames =
    [
        "models.list",
        "models.retrieve",
        "models.retrieve unknown model: 404 NotFoundError model_not_found",
        "chat.completions.create",
        "chat streaming with stream_options.include_usage",
        "chat streaming: a bad request throws before the stream starts, sent once",
        "chat tools: tool_choice required returns tool_calls",
        "chat response_format json_schema",
        "chat image_url with a data: URI",
        "chat input_audio wav",
        "errors: a corrupt image is a 400 naming the field, sent once",
        "errors: a remote image URL is refused (Server:AllowRemoteMedia is off)",
        "embeddings.create (the SDK asks for base64)",
        "embeddings.create float with dimensions",
        "errors: 400 BadRequestError with param, sent once",
        "errors: context_length_exceeded",
        "errors: empty embedding input is a 400",
        "errors: 401 AuthenticationError for a wrong key, sent once",
        "errors: 404 for an unknown URL with an error object",
        "errors: 405 for a wrong method with an error object",
        "invalid Unicode: message content",
        "invalid Unicode: text part",
        "invalid Unicode: tool result",
        "invalid Unicode: stop",
        "invalid Unicode: tool_choice name",
        "invalid Unicode: JSON schema key and enum",
        "invalid Unicode: embeddings input",
    ];

    public static TheoryData<string> Checks => new(CheckNames);

    [Theory]
    [MemberData(nameof(Checks))]
    public async Task OpenAINodeSdk_Check_Passes(string check)
    {
        var results = await OpenAINodeCheck.RunOnceAsync(server.BaseAddress, AspNetSampleFixture.ApiKey);

        var result = results.SingleOrDefault(r => r.Name == check);
        Assert.True(result is not null, $"check.mjs did not run '{check}'; it ran: {string.Join(", ", results.Select(r => r.Name))}");
        Assert.True(result.Ok, result.Reason);
    }

    [Fact]
    public async Task OpenAINodeSdk_EveryCheckOfTheScript_HasACase()
    {
        var results = await OpenAINodeCheck.RunOnceAsync(server.BaseAddress, AspNetSampleFixture.ApiKey);

        Assert.Equal(CheckNames, results.Select(r => r.Name));
    }
}
