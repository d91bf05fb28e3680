namespace Gemma4.AI.Hosting;

/// <summary>Turns an options type's <see cref="ArgumentException"/> into a start-up message naming the registration and configuration key.</summary>
internal static class Gemma4OptionsErrors
{
    /// <param name="registration">Whose options failed.</param>
    /// <param name="subSection">The sub-section the options were bound from (<c>Chat</c>, <c>Embeddings</c>); null for the model's own settings.</param>
    /// <param name="error">What the options' Validate threw.</param>
    public static string Describe(Gemma4ModelRegistration registration, string? subSection, ArgumentException error)
    {
        // ArgumentException appends " (Parameter 'X')" (and the value again) to its message; the message already names both.
        var message = error.Message;
        var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }

        var where = string.Empty;
        if (registration.ConfigurationPath is { Length: > 0 } path && error.ParamName is { Length: > 0 } setting)
        {
            where = subSection is null ? $" (configuration key '{path}:{setting}')" : $" (configuration key '{path}:{subSection}:{setting}')";
        }

        return $"Gemma4 {registration.DisplayName}{where}: {message}";
    }
}
