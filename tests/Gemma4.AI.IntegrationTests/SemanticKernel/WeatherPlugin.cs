using System.Collections.Concurrent;
using System.ComponentModel;
using Microsoft.SemanticKernel;

namespace Gemma4.AI.IntegrationTests.SemanticKernel;

/// <summary>A kernel plugin that records its calls.</summary>
public sealed class WeatherPlugin
{
    public ConcurrentQueue<string> Cities { get; } = new();

    [KernelFunction("get_weather")]
    [Description("Gets the current weather for a city.")]
    public string GetWeather([Description("The city name")] string city)
    {
        Cities.Enqueue(city);
        return $"It is sunny in {city}.";
    }
}
