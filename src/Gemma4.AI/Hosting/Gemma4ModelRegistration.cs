using Microsoft.Extensions.DependencyInjection;

namespace Gemma4.AI.Hosting;

/// <summary>One Add… call: which service it registered and the name of its <see cref="Gemma4ModelOptions"/>.</summary>
/// <param name="Kind">Chat or embeddings.</param>
/// <param name="ServiceKey">The DI service key; null for the unkeyed registration.</param>
/// <param name="OptionsName">The named options (<see cref="Gemma4ModelOptions"/> and the client options) of this registration.</param>
/// <param name="ConfigurationPath">The configuration section the options were bound from, for error messages; null when set in code.</param>
internal sealed record Gemma4ModelRegistration(Gemma4ModelKind Kind, object? ServiceKey, string OptionsName, string? ConfigurationPath)
{
    /// <summary>Keys of the bound configuration section that no options type knows (likely typos); empty when set in code.</summary>
    public IReadOnlyList<string> UnknownConfigurationKeys { get; init; } = [];

    /// <summary>
    /// True once a later Add… call with the same kind and key replaced this one. Its named options stay registered (the
    /// options machinery cannot unregister them, and ValidateOnStart still reads them), so its validators skip it.
    /// </summary>
    public bool IsSuperseded { get; private set; }

    /// <summary>The MEAI service descriptor (IChatClient or IEmbeddingGenerator) this registration added; removed when superseded.</summary>
    public ServiceDescriptor? ServiceDescriptor { get; set; }

    /// <summary>Marks this registration replaced; see <see cref="IsSuperseded"/>.</summary>
    public void Supersede() => IsSuperseded = true;

    /// <summary>How errors and health reports name this registration, e.g. <c>chat</c> or <c>embeddings[docs]</c>.</summary>
    public string DisplayName => (Kind == Gemma4ModelKind.Chat ? "chat" : "embeddings") + (ServiceKey is null ? string.Empty : $"[{ServiceKey}]");
}
