using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gemma4.AI.Hosting;

/// <summary>
/// Resolves relative file paths of a registration against the host's content root, as ASP.NET Core does for its own
/// file settings: a path in appsettings.json then means the same file under a service manager, whose working directory
/// is not the application's folder. Without a host (no <see cref="IHostEnvironment"/>), paths stay as given.
/// </summary>
internal sealed class Gemma4ContentRootPaths(string optionsName, IHostEnvironment? environment) :
    IPostConfigureOptions<Gemma4ModelOptions>, IPostConfigureOptions<Gemma4ChatClientOptions>
{
    public void PostConfigure(string? name, Gemma4ModelOptions options)
    {
        if (name == optionsName)
        {
            options.ModelPath = Resolve(options.ModelPath)!;
            options.ProjectorPath = Resolve(options.ProjectorPath);
            options.PrefixCacheDirectory = Resolve(options.PrefixCacheDirectory);
        }
    }

    public void PostConfigure(string? name, Gemma4ChatClientOptions options)
    {
        if (name == optionsName)
        {
            foreach (var adapter in options.LoraAdapters ?? [])
            {
                if (adapter is not null)
                {
                    adapter.Path = Resolve(adapter.Path)!;
                }
            }
        }
    }

    private string? Resolve(string? path) =>
        environment?.ContentRootPath is { Length: > 0 } root && !string.IsNullOrWhiteSpace(path) && !Path.IsPathRooted(path)
            ? Path.GetFullPath(path, root)
            : path;
}
