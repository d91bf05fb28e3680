using Gemma4.AI.IntegrationTests.Support;

namespace Gemma4.AI.IntegrationTests.Samples;

/// <summary>One run of samples/Gemma4.AspNet (--demo, a free loopback port, an API key, a small body limit) for all its tests.</summary>
public sealed class AspNetSampleFixture : IAsyncLifetime
{
    public const string ApiKey = "test-key-123";
    public const int MaxBodyBytes = 65_536;

    private SampleServer? _server;

    public Uri BaseAddress => _server!.BaseAddress;

    public string Output => _server!.Output;

    public async Task InitializeAsync() =>
        _server = await SampleServer.StartAsync("Gemma4.AspNet",
            $"--demo --urls http://127.0.0.1:0 --Server:ApiKey {ApiKey} --Server:MaxRequestBodyBytes {MaxBodyBytes}", TimeSpan.FromMinutes(2));

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public HttpClient CreateHttpClient(bool withKey = true)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (withKey)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", ApiKey);
        }

        return http;
    }
}

[CollectionDefinition(Name)]
public sealed class AspNetSampleServer : ICollectionFixture<AspNetSampleFixture>
{
    public const string Name = "ASP.NET sample server";
}
