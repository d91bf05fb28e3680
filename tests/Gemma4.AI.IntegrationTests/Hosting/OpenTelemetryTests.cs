using System.Collections.Concurrent;
using System.Diagnostics;
using Gemma4.AI.IntegrationTests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Gemma4.AI.IntegrationTests.Hosting;

public sealed class OpenTelemetryTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UseOpenTelemetry_ChatRequest_EmitsGenAiSpanFromClientMetadata(bool streaming)
    {
        var sourceName = $"Gemma4.Tests.{Guid.NewGuid():N}";
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddGemma4ChatClient(o => HostingModels.Configure(o)).UseOpenTelemetry(sourceName: sourceName);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IChatClient>();

        var options = HostingModels.Forcing("otel-1");
        var response = streaming
            ? await client.GetStreamingResponseAsync("hello there", options).ToChatResponseAsync()
            : await client.GetResponseAsync("hello there", options);

        var span = Assert.Single(stopped);
        Assert.Equal("chat gemma4-tiny-test", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("chat", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("gemma4", span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal("gemma4-tiny-test", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal("gemma4-tiny-test", span.GetTagItem("gen_ai.response.model"));
        Assert.Equal(64, Convert.ToInt32(span.GetTagItem("gen_ai.request.max_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(response.ResponseId, span.GetTagItem("gen_ai.response.id"));
        Assert.Null(span.GetTagItem("server.address")); // in-process: no endpoint to report

        var input = Convert.ToInt64(span.GetTagItem("gen_ai.usage.input_tokens"), System.Globalization.CultureInfo.InvariantCulture);
        var output = Convert.ToInt64(span.GetTagItem("gen_ai.usage.output_tokens"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(response.Usage!.InputTokenCount, input);
        Assert.Equal(response.Usage.OutputTokenCount, output);
        Assert.True(input > 5, $"input tokens {input}");
        Assert.True(output > 0, $"output tokens {output}");
        Assert.Equal("[\"stop\"]", span.GetTagItem("gen_ai.response.finish_reasons"));
        Assert.NotNull(span.GetTagItem("gen_ai.usage.cache_read.input_tokens")); // from CachedInputTokenCount (KV prefix reuse)
        Assert.Equal(streaming ? true : null, span.GetTagItem("gen_ai.request.stream"));
    }
}
