namespace Gemma4.AI.Lora;

/// <summary>What the managed check learned about a LoRA adapter file.</summary>
/// <param name="Name"><c>general.name</c>, if present.</param>
/// <param name="Alpha"><c>adapter.lora.alpha</c>; 0 when absent (llama.cpp then applies the user's scale without alpha/rank).</param>
/// <param name="Rank">The largest rank among the adapter's tensor pairs.</param>
/// <param name="TargetTensors">Names of the base model tensors the adapter changes.</param>
/// <param name="TensorBytes">Bytes of adapter tensor data.</param>
internal sealed record LoraAdapterInfo(string? Name, float Alpha, int Rank, IReadOnlyList<string> TargetTensors, long TensorBytes);
