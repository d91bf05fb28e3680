using System.ComponentModel;
using Microsoft.SemanticKernel;

namespace Gemma4.Agents.Plugins;

/// <summary>A weather stub. SAMPLE DATA: the answers are made up from the city's name, not a forecast.</summary>
internal sealed class WeatherPlugin
{
    private static readonly string[] Skies = ["sunny", "cloudy", "light rain", "snow", "fog", "windy"];

    [KernelFunction("get_weather"), Description("Gets the current weather for a city.")]
    public static string GetWeather([Description("The city name, e.g. Oslo")] string city)
    {
        var seed = city.Aggregate(17, (h, c) => (h * 31) + char.ToLowerInvariant(c)) & 0x7fffffff;
        return $"SAMPLE DATA (not a real forecast): {city}: {seed % 30 - 5} °C, {Skies[seed % Skies.Length]}";
    }
}
