namespace Gemma4.AI;

/// <summary>One adapter of a request and the scale it is applied with (1 = as trained; 0 = not at all; negative subtracts it).</summary>
/// <param name="Adapter">An adapter loaded for the model the request runs on.</param>
/// <param name="Scale">The user scale; llama.cpp multiplies it by <c>alpha/rank</c> (see <see cref="Gemma4LoraAdapter.Alpha"/>).</param>
public readonly record struct Gemma4AdapterScale(Gemma4LoraAdapter Adapter, float Scale = 1f);
