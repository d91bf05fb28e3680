using Microsoft.Extensions.Options;

namespace Gemma4.AI.Hosting;

/// <summary>Validates one registration's client options (bound from its sub-section) at start-up, naming the configuration key.</summary>
/// <typeparam name="TOptions">The client options type.</typeparam>
internal sealed class Gemma4ClientOptionsValidator<TOptions>(Gemma4ModelRegistration registration, string subSection, Action<TOptions> validate)
    : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (name != registration.OptionsName || registration.IsSuperseded)
        {
            return ValidateOptionsResult.Skip;
        }

        try
        {
            validate(options);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(Gemma4OptionsErrors.Describe(registration, subSection, ex));
        }
    }
}
