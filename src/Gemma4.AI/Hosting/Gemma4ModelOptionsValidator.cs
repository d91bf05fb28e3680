using Microsoft.Extensions.Options;

namespace Gemma4.AI.Hosting;

/// <summary>
/// Runs <see cref="Gemma4ModelOptions.Validate"/> for one registration's named options, so a bad setting fails host
/// start (ValidateOnStart) with a message naming the setting, its configuration key and its value.
/// </summary>
internal sealed class Gemma4ModelOptionsValidator(Gemma4ModelRegistration registration) : IValidateOptions<Gemma4ModelOptions>
{
    public ValidateOptionsResult Validate(string? name, Gemma4ModelOptions options)
    {
        if (name != registration.OptionsName || registration.IsSuperseded)
        {
            return ValidateOptionsResult.Skip;
        }

        if (registration.UnknownConfigurationKeys.Count > 0)
        {
            // The binder ignores unknown keys; a misspelt "ContextSize" would otherwise silently fall back to the default.
            return ValidateOptionsResult.Fail(
                $"Gemma4 {registration.DisplayName}: unknown setting(s) {string.Join(", ", registration.UnknownConfigurationKeys.Select(k => $"'{k}'"))} " +
                $"in configuration section '{registration.ConfigurationPath}'. The section takes Gemma4ModelOptions settings, with client settings in its 'Chat' or 'Embeddings' sub-section.");
        }

        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(Gemma4OptionsErrors.Describe(registration, subSection: null, ex));
        }
    }
}
