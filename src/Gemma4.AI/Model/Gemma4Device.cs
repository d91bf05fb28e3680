namespace Gemma4.AI;

/// <summary>A compute device llama.cpp can run on (the CPU, or a GPU from a loaded backend).</summary>
/// <param name="Name">ggml's device name, for example <c>CPU</c> or <c>CUDA0</c>.</param>
/// <param name="Description">The device's description, for example the GPU model.</param>
/// <param name="IsGpu">True for discrete or integrated GPUs and accelerators.</param>
/// <param name="TotalMemoryBytes">Device memory in bytes, as the backend reports it.</param>
/// <param name="FreeMemoryBytes">Free device memory in bytes when listed.</param>
public sealed record Gemma4Device(string Name, string Description, bool IsGpu, long TotalMemoryBytes, long FreeMemoryBytes);
