namespace Gemma4.AI;

/// <summary>A LoRA adapter a chat client loads for its model and applies to every request that chooses no adapters itself.</summary>
/// <remarks>Bindable from configuration: <c>"Chat": { "LoraAdapters": [ { "Path": "medical.gguf", "Scale": 1.0 } ] }</c>.</remarks>
public sealed class Gemma4LoraAdapterOptions
{
    /// <summary>The adapter GGUF file.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>The name requests select it by; default the file name without extension.</summary>
    public string? Name { get; set; }

    /// <summary>The scale it is applied with (1 = as trained).</summary>
    public float Scale { get; set; } = 1f;

    /// <summary>Creates a copy, so a client never sees later changes.</summary>
    public Gemma4LoraAdapterOptions Clone() => (Gemma4LoraAdapterOptions)MemberwiseClone();

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">The path is empty or the scale is not a finite number; the message names the setting.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException("LoraAdapters: every adapter needs a Path (the adapter GGUF file).", nameof(Path));
        }

        if (!float.IsFinite(Scale))
        {
            throw new ArgumentOutOfRangeException(nameof(Scale), Scale, $"LoraAdapters: the Scale of '{Path}' must be a finite number; got {Scale}.");
        }

        if (Name is not null && string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException($"LoraAdapters: the Name of '{Path}' must not be blank.", nameof(Name));
        }
    }
}
