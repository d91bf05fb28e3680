namespace Gemma4.AI;

/// <summary>Settings of <see cref="Gemma4Quantizer.QuantizeAsync"/>.</summary>
public sealed class Gemma4QuantizeOptions
{
    /// <summary>Threads llama.cpp quantizes with; null (default) uses every logical processor.</summary>
    public int? Threads { get; set; }

    /// <summary>Replace the output file when it exists. Default false: an existing file is an error.</summary>
    public bool Overwrite { get; set; }
}
